"""Choosing the search engine's adapter: OpenSearch (locally) or Elasticsearch (in a
cluster that runs ECK), behind the same port and the same query builder."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from store_service.application.search import SearchIndex

ENGINES = ("opensearch", "elasticsearch")
# The clients log every request they make at INFO (a line per index update and per search;
# opensearch-py's trace logger even renders each as a curl command with its body); each
# request is a span of the trace already, so only their warnings and errors are kept.
CLIENT_LOGGERS = ("opensearch", "opensearchpy.trace", "elastic_transport.transport")


def search_index(
    engine: str, url: str, alias: str, *, timeout: float = 5.0
) -> tuple[SearchIndex, Callable[[], Coroutine[Any, Any, None]]]:
    """The index adapter and the function that closes its client."""
    for name in CLIENT_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    if engine == "opensearch":
        from opensearchpy import AsyncOpenSearch

        from store_service.infrastructure.search.opensearch import OpenSearchIndex

        opensearch = AsyncOpenSearch(hosts=[url], timeout=timeout)
        index: SearchIndex = OpenSearchIndex(opensearch, alias=alias)
        return index, opensearch.close
    if engine == "elasticsearch":
        from elasticsearch import AsyncElasticsearch

        from store_service.infrastructure.search.elasticsearch import ElasticsearchIndex

        elasticsearch = AsyncElasticsearch(url, request_timeout=timeout)
        index = ElasticsearchIndex(elasticsearch, alias=alias)
        return index, elasticsearch.close
    raise ValueError(f"SEARCH_ENGINE must be one of {', '.join(ENGINES)}, not {engine!r}")
