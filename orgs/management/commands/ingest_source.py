"""`manage.py ingest_source FILE`: read a .txt, .html or .pdf file into a draft source and print its proposals."""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from orgs.graph.connection import GraphUnavailable
from orgs.ingest.drafts import DraftStale, proposal_summary, source_draft_accept, source_draft_create, source_draft_get
from orgs.ingest.extract import MAX_FILE_BYTES, extracted_text
from orgs.validation import ValidationFailed


class Command(BaseCommand):
    help = (
        "Read a source file into a draft and print what it proposes; review it at /sources/drafts/<id>/, or accept "
        "every proposal whose names are matched or new with --accept-all."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="a .txt, .html or .pdf file")
        parser.add_argument("--title", required=True, help="the source's title")
        parser.add_argument("--publisher", default="", help="who published it")
        parser.add_argument("--url", default="", help="where it was read (http or https)")
        parser.add_argument("--published", default="", help="when: 2009, 2009-03 or 2009-03-14")
        parser.add_argument("--user", help="the editor it is recorded under (a username)")
        parser.add_argument("--accept-all", action="store_true", help="accept every proposal not left ambiguous")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        actor = self._user(options["user"])
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise CommandError(f"{path} is larger than {MAX_FILE_BYTES // 1024 // 1024} MB: nothing was read.")
            text = extracted_text(data=path.read_bytes(), filename=path.name)
            draft = source_draft_create(
                title=options["title"],
                publisher=options["publisher"],
                url=options["url"],
                published=options["published"],
                text=text,
                actor=actor,
            )
            _, reading = source_draft_get(draft_id=draft.pk)
            for proposal in reading.proposals:
                self.stdout.write(f"  {proposal_summary(reading, proposal)}   [{proposal.exact[:60]}]")
            self.stdout.write(
                f"Draft {draft.pk}: {len(reading.proposals)} proposals from {len(reading.entities)} names."
            )
            if options["accept_all"]:
                ambiguous = {e.key for e in reading.entities if e.ambiguous}
                decisions = {
                    "proposals": {
                        p.key: {"decision": "accept"}
                        for p in reading.proposals
                        if p.start not in ambiguous and p.end not in ambiguous
                    }
                }
                accepted = source_draft_accept(
                    draft_id=draft.pk, decisions=decisions, expected_version=draft.version, actor=actor
                )
                self.stdout.write(
                    f"Accepted as source {accepted.source_uid}: {len(accepted.created_nodes)} new nodes, "
                    f"{len(accepted.relationships)} relationships."
                )
        except OSError as error:
            raise CommandError(f"{path} cannot be read: {error.strerror}") from None
        except ValidationFailed as failed:
            raise CommandError(f"Nothing was written. {failed}") from None
        except DraftStale as stale:
            raise CommandError(str(stale)) from None
        except GraphUnavailable as error:
            raise CommandError(f"The graph server cannot be reached: {error}") from None

    def _user(self, username: str | None) -> Any:
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r}")
        return user
