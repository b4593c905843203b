"""All cores of one machine: the pipeline in worker processes, results in input order.

Each worker process builds one :class:`~geobrief.pipeline.Pipeline` when it starts
(so it opens the memory-mapped gazetteer once; the pages are shared through the
operating system's page cache) and then analyses chunks of articles.  The parent
keeps a bounded number of chunks in flight (``2 * jobs``), so a streamed input
is never read whole, and yields the results in input order: the output is the
same as with one process, byte for byte.

Small inputs (one chunk or less) are analysed in the calling process: starting
workers would cost more than it saves.
"""

from __future__ import annotations

from geobrief.pipeline import CHUNK_SIZE, analyse_articles, usable_cores

__all__ = ["CHUNK_SIZE", "analyse_articles", "usable_cores"]
