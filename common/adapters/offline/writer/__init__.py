"""The offline script writer: a story from a prompt with rules and data tables, no model.

script_writer.py is the entry; a prompt is read into a premise (premise.py, read_*.py), a cast is
made (cast.py), and the story is told in lines (draft.py, lines.py) that fitting.py sizes to the
pacing of common/domain/pacing.py; framing.py titles it and frames its shots. What varies by
language or kind of story is data in data/ (tables.py reads it, once, when first needed).
"""

from common.adapters.offline.writer.script_writer import OfflineScriptWriter

__all__ = ["OfflineScriptWriter"]
