"""Ports: the Protocols services depend on. Adapters implement them; nothing here does I/O."""

from common.ports.blobs import BlobStore
from common.ports.clock import Clock, SystemClock
from common.ports.language import LanguageDetector
from common.ports.providers import ImageGenerator, Narrator, ScriptWriter, VideoGenerator
from common.ports.segment_cache import SegmentCache
from common.ports.store import Document, DocumentStore, Filter, Transaction
from common.ports.tasks import Delivery, JobRunner, Task, TaskQueue
from common.ports.voices import VoiceCatalogue

__all__ = [
    "BlobStore",
    "Clock",
    "Delivery",
    "Document",
    "DocumentStore",
    "Filter",
    "ImageGenerator",
    "JobRunner",
    "LanguageDetector",
    "Narrator",
    "ScriptWriter",
    "SegmentCache",
    "SystemClock",
    "Task",
    "TaskQueue",
    "Transaction",
    "VideoGenerator",
    "VoiceCatalogue",
]
