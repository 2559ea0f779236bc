"""Adding a source: a pasted or uploaded page becomes a draft whose proposed nodes and relationships an editor
reviews and accepts.

- `extract`: the plain text of a paste or of a .txt, .html or .pdf file;
- `rules`: the cue phrases and name rules of `orgs/cue_phrases.yaml`, loaded and checked;
- `reader`: the text read into the bodies, countries, events and documents it names and the relationships it
  states (a `reading.Reading`), by rules, with spaCy for sentences, tokens and phrase matching;
- `matching`: each name matched to a node of the graph, and each proposal that restates a known relationship;
- `reading`: the plain data a reading is made of, kept as JSON with its draft;
- `drafts`: drafts kept, proposals reviewed and accepted through `orgs.services` in one transaction.
"""
