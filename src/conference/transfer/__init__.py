"""An event carried whole between installations (a venue laptop and the central server):
exported to one file, imported or merged back by rows' stable ids."""

from conference.transfer.exporting import Exported, export_event
from conference.transfer.importing import Imported, import_event

__all__ = ["Exported", "Imported", "export_event", "import_event"]
