"""The award-presentation run sheet: generated from the award list, edited, driven live.

A run sheet is the event's cues in order. For each award form, highest first: an
announcement (the MC reads the decision), then batches of at most
``Event.stage_capacity`` recipients, each with its presenter, its music and its
photo. Music and photo are fields of the batch, not cues of their own: they
belong to one batch and travel with it when batches are split, merged or moved,
and the stage manager presses Next once per batch, in step with what the MC reads.

The MC's view opens with the introduction of delegates, built from who has checked
in: see ``introduction``.

How the live cue moves, and why two Nexts at once move it one step: see ``live``.
Rehearsals that leave no trace: see ``rehearsal``.
"""

from conference.program.runsheet._shared import UNSET, RunSheetEnd, StaleMove
from conference.program.runsheet.edit import (
    CueEdit,
    add_custom_cue,
    delete_cue,
    merge_with_next,
    move_cue,
    move_in_batch,
    move_recipient,
    set_presence,
    set_presenters,
    set_skipped,
    split_batch,
    update_cue,
)
from conference.program.runsheet.generation import batch_sizes, generate
from conference.program.runsheet.introduction import (
    IntroductionView,
    edit_introduction,
    load_introduction,
    mark_delegate,
    mark_read,
    set_address_form,
)
from conference.program.runsheet.live import next_cue, previous_cue, skip_cue
from conference.program.runsheet.mc import MCView, load_mc
from conference.program.runsheet.reconcile import (
    DELIVERED_LATER,
    NOT_CALLED_YET,
    RECEIVED_BY_STAND_IN,
    RECEIVED_IN_PERSON,
    TO_DELIVER,
    reconciliation,
    reconciliation_table,
)
from conference.program.runsheet.rehearsal import (
    RehearsalRefused,
    end_rehearsal,
    rehearsal_started_at,
    start_rehearsal,
)
from conference.program.runsheet.view import CueView, RecipientView, RunSheet, load

__all__ = [
    "DELIVERED_LATER",
    "NOT_CALLED_YET",
    "RECEIVED_BY_STAND_IN",
    "RECEIVED_IN_PERSON",
    "TO_DELIVER",
    "UNSET",
    "CueEdit",
    "CueView",
    "IntroductionView",
    "MCView",
    "RecipientView",
    "RehearsalRefused",
    "RunSheet",
    "RunSheetEnd",
    "StaleMove",
    "add_custom_cue",
    "batch_sizes",
    "delete_cue",
    "edit_introduction",
    "end_rehearsal",
    "generate",
    "load",
    "load_introduction",
    "load_mc",
    "mark_delegate",
    "mark_read",
    "merge_with_next",
    "move_cue",
    "move_in_batch",
    "move_recipient",
    "next_cue",
    "previous_cue",
    "reconciliation",
    "reconciliation_table",
    "rehearsal_started_at",
    "set_address_form",
    "set_presence",
    "set_presenters",
    "set_skipped",
    "skip_cue",
    "split_batch",
    "start_rehearsal",
    "update_cue",
]
