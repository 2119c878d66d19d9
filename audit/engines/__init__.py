"""Where the crawl runs: in this process (the default) or spread over a Ray cluster."""
