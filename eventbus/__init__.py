"""The Open edX event bus: Studio's course events in, Lyceum's content-changed events out (Redis Streams)."""
