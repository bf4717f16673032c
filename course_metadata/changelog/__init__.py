"""Reading the change log: positions, the feed selector, and the consumer framework built on it."""
