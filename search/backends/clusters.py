"""The calls the cluster backend makes, for each family of search cluster it can talk to (ADR 0151).

``search.backends.elasticsearch`` builds every request body as plain data; a ``Cluster`` only sends it.
Elasticsearch 8 and OpenSearch 1 to 3 take the same bodies for everything Lyceum asks (mappings, bool and
function_score queries, terms aggregations, ``search_after``, aliases, ``_bulk``) but their Python clients
differ: the Elasticsearch 8 client wants the body spread into keyword arguments and refuses to talk to
anything that is not Elasticsearch; opensearch-py wants ``body=``. Each class below is the one place that
knows its client. A transport failure of either becomes ``SearchUnavailable``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from django.utils.translation import gettext as _

from search.backends.base import SearchUnavailable


class Cluster(Protocol):
    name: str

    def create_index(self, index: str, body: Mapping[str, Any], aliases: Iterable[str]) -> None: ...

    def alias_exists(self, alias: str) -> bool: ...

    def aliased(self, alias: str) -> list[str]:
        """The indices ``alias`` points at, sorted; empty when it points nowhere."""
        ...

    def indices(self, pattern: str) -> list[str]: ...

    def delete_index(self, index: str) -> None: ...

    def refresh(self, index: str) -> None: ...

    def update_aliases(self, actions: list[dict[str, Any]]) -> None: ...

    def count(self, index: str, query: Mapping[str, Any]) -> int: ...

    def search(self, index: str, body: Mapping[str, Any]) -> dict[str, Any]: ...

    def bulk(self, actions: list[dict[str, Any]], refresh: str) -> list[dict[str, Any]]:
        """Send ``actions``; the per-action errors (the caller decides which matter)."""
        ...


def _guarded(errors: tuple[type[BaseException], ...], function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    try:
        return function(*args, **kwargs)
    except errors as error:
        raise SearchUnavailable(_("the search cluster did not answer: %(error)s") % {"error": error}) from error


class ElasticsearchCluster:
    """An Elasticsearch 8 cluster through the official client (the one elasticsearch-dsl pins)."""

    name = "elasticsearch"

    def __init__(self, client: Any) -> None:
        from elastic_transport import TransportError

        self.client = client
        self._errors: tuple[type[BaseException], ...] = (TransportError,)

    def _call(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return _guarded(self._errors, function, *args, **kwargs)

    def create_index(self, index: str, body: Mapping[str, Any], aliases: Iterable[str]) -> None:
        self._call(
            self.client.indices.create,
            index=index,
            settings=body["settings"],
            mappings=body["mappings"],
            aliases={alias: {} for alias in aliases},
        )

    def alias_exists(self, alias: str) -> bool:
        return bool(self._call(self.client.indices.exists_alias, name=alias))

    def aliased(self, alias: str) -> list[str]:
        if not self.alias_exists(alias):
            return []
        return sorted(self._call(self.client.indices.get_alias, name=alias))

    def indices(self, pattern: str) -> list[str]:
        return sorted(self._call(self.client.indices.get, index=pattern, expand_wildcards="open"))

    def delete_index(self, index: str) -> None:
        self._call(self.client.indices.delete, index=index, ignore_unavailable=True)

    def refresh(self, index: str) -> None:
        self._call(self.client.indices.refresh, index=index)

    def update_aliases(self, actions: list[dict[str, Any]]) -> None:
        self._call(self.client.indices.update_aliases, actions=actions)

    def count(self, index: str, query: Mapping[str, Any]) -> int:
        return int(self._call(self.client.count, index=index, query=query)["count"])

    def search(self, index: str, body: Mapping[str, Any]) -> dict[str, Any]:
        return dict(self._call(self.client.search, index=index, **body))

    def bulk(self, actions: list[dict[str, Any]], refresh: str) -> list[dict[str, Any]]:
        from elasticsearch.helpers import bulk

        extra = {} if refresh == "false" else {"refresh": refresh}
        _, errors = self._call(bulk, self.client, actions, raise_on_error=False, **extra)
        return list(errors)


class OpenSearchCluster(ElasticsearchCluster):
    """An OpenSearch cluster through opensearch-py: the same calls, bodies passed whole."""

    name = "opensearch"

    def __init__(self, client: Any) -> None:
        from opensearchpy.exceptions import TransportError

        self.client = client
        self._errors = (TransportError,)

    def create_index(self, index: str, body: Mapping[str, Any], aliases: Iterable[str]) -> None:
        whole = {**body, "aliases": {alias: {} for alias in aliases}}
        self._call(self.client.indices.create, index=index, body=whole)

    def update_aliases(self, actions: list[dict[str, Any]]) -> None:
        self._call(self.client.indices.update_aliases, body={"actions": actions})

    def count(self, index: str, query: Mapping[str, Any]) -> int:
        return int(self._call(self.client.count, index=index, body={"query": query})["count"])

    def search(self, index: str, body: Mapping[str, Any]) -> dict[str, Any]:
        return dict(self._call(self.client.search, index=index, body=dict(body)))

    def bulk(self, actions: list[dict[str, Any]], refresh: str) -> list[dict[str, Any]]:
        from opensearchpy.helpers import bulk

        extra = {} if refresh == "false" else {"refresh": refresh}
        _, errors = self._call(bulk, self.client, actions, raise_on_error=False, **extra)
        return list(errors)


def connect(family: str, url: str, timeout: float) -> Cluster:
    """A cluster of ``family`` (``elasticsearch`` or ``opensearch``) at ``url``."""
    if family == "opensearch":
        from opensearchpy import OpenSearch

        return OpenSearchCluster(OpenSearch(url, timeout=timeout))
    from elasticsearch import Elasticsearch

    return ElasticsearchCluster(Elasticsearch(url, request_timeout=timeout))
