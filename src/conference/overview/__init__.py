"""An event's front page: attendance, programme and award list side by side.

It sits above the features and composes their public names; no feature imports it.
"""
