"""The HTML pages and the JSON their scripts fetch: `lists` (home, search, each kind's list), `nodes` (one node's
pages), `network` (the explorer and the path finder), what they read from a request (`parameters`), what turns
selectors' answers into what a page shows (`presenters`), and their addresses (`urls`, namespace "orgs")."""
