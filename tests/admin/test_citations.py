"""A relationship's citations in the admin: the Citations table on a node's change page, where a source is added
to a recorded relationship, a passage fixed or a citation removed, checked by the services' rules."""

import pytest

from orgs import services
from orgs.admin.base import CHANGED_SINCE_OPENED
from orgs.graph.connection import cypher
from orgs.models import ChangeRecord
from orgs.services import LAST_CITATION
from tests.service_factories import EVIDENCE, form_data, node, organization, relationship, source

URL = "/admin/orgs/organization/cis-atc/change/"
CHARTER = (
    "The CIS ATC and the CSTO closely collaborate on terrorism. Since 2005 they hold joint exercises every year. "
    "Their experts meet twice a year."
)


@pytest.fixture(autouse=True)
def graph() -> None:
    source()  # "partners", without text: any passage stands
    services.node_create(label="Source", uid="charter", data={"title": "Charter", "text": CHARTER})
    organization("cis-atc", "CIS Anti-Terrorism Center", acronym="CIS ATC")
    organization("csto", "Collective Security Treaty Organization", acronym="CSTO")
    organization("interpol", "INTERPOL")


def collaboration() -> str:
    """Record that the CIS ATC collaborates with the CSTO, on the partners page alone; return its uid."""
    return relationship("COLLABORATES_WITH", "cis-atc", "csto")["uid"]


def cited_twice() -> str:
    """Record the collaboration on the partners page and in the charter; return its uid."""
    uid = collaboration()
    services.citation_add(
        relationship_uid=uid, data={"source_uid": "charter", "exact": "closely collaborate on terrorism"}
    )
    return uid


def citations(relationship_uid: str) -> dict[str, dict]:
    """Return the relationship's citations in the graph, by source."""
    rows = cypher("MATCH (c:Citation {relationship_uid: $uid}) RETURN properties(c) AS c", {"uid": relationship_uid})
    return {row["c"]["source_uid"]: row["c"] for row in rows}


def version(relationship_uid: str) -> int:
    return services.relationship_get(uid=relationship_uid)["version"]


def citation_row(data: dict, source_uid: str) -> str:
    """Return the field prefix of the citation row of `source_uid` in the posted `data`."""
    return next(
        key[: -len("source_uid")]
        for key, value in data.items()
        if key.startswith("citations-") and key.endswith("-source_uid") and value == source_uid
    )


def with_new_citation(data: dict, **row: str) -> dict:
    """Return `data` with `row` typed into the first empty citation row."""
    prefix = f"citations-{data['citations-INITIAL_FORMS']}-"
    return {**data, **{f"{prefix}{name}": value for name, value in {"confidence": "stated", **row}.items()}}


def errors_of_rows(response) -> list[dict]:
    return [form.errors for form in response.context["adminform"].form.citations.forms if form.errors]


def test_a_second_source_is_added_to_a_recorded_relationship_from_the_page(admin_client, admin_user):
    uid = collaboration()
    page = admin_client.get(URL)
    assert "CIS Anti-Terrorism Center collaborates with Collective Security Treaty Organization" in (
        page.content.decode()
    )  # the relationship to cite, in plain words
    data = with_new_citation(
        form_data(page),
        relationship=uid,
        source_uid="charter",
        exact="they hold joint exercises  every year",
        since="2005",
    )

    assert admin_client.post(URL, data).status_code == 302

    added = citations(uid)["charter"]
    assert (added["exact"], added["since"], added["start"]) == (
        "they hold joint exercises  every year",
        "2005",
        CHARTER.index("they hold"),
    )
    assert services.relationship_get(uid=uid)["source_uids"] == ["charter", "partners"]
    record = ChangeRecord.objects.get(action="citation_add")
    assert (record.actor, record.relationship_uid) == (admin_user, uid)


def test_a_relationship_several_sources_state_lists_each_citation_and_its_row_points_there(admin_client):
    cited_twice()

    response = admin_client.get(URL)

    form = response.context["adminform"].form
    assert [row.initial["source_uid"] for row in form.citations.forms if row.existing] == ["charter", "partners"]
    [row] = form.relationships.initial_forms
    assert row.sources_note == "2 sources: edit them under Citations"
    assert all(row.fields[name].disabled for name in ("since", "source_uid", "evidence"))
    assert "2 sources: edit them under Citations" in response.content.decode()


def test_a_passage_is_fixed_in_its_row_and_the_citation_keeps_its_uid(admin_client, admin_user):
    uid = cited_twice()
    before = citations(uid)["charter"]
    data = form_data(admin_client.get(URL))
    data[f"{citation_row(data, 'charter')}exact"] = "Their experts meet twice a year."

    assert admin_client.post(URL, data).status_code == 302

    after = citations(uid)["charter"]
    assert (after["uid"], after["exact"], after["start"]) == (
        before["uid"],
        "Their experts meet twice a year.",
        CHARTER.index("Their experts"),
    )
    assert citations(uid)["partners"]["exact"] == EVIDENCE
    record = ChangeRecord.objects.get(action="citation_change")
    assert (record.actor, record.after["citation"]["exact"]) == (admin_user, "Their experts meet twice a year.")


@pytest.mark.parametrize("row", ["recorded", "new"])
def test_a_passage_not_in_its_source_is_an_error_on_the_passage_and_nothing_is_saved(admin_client, row):
    uid = cited_twice()
    data = form_data(admin_client.get(URL))
    if row == "recorded":
        data[f"{citation_row(data, 'charter')}exact"] = "They merged in 2010."
    else:
        data = with_new_citation(data, relationship=uid, source_uid="charter", exact="They merged in 2010.")
    data["acronym"] = "CHANGED"
    stored, recorded = citations(uid), ChangeRecord.objects.count()

    response = admin_client.post(URL, data)

    assert response.status_code == 200
    assert errors_of_rows(response) == [{"exact": ["not found word for word in source 'charter'"]}]
    assert "Correct the citations below." in response.content.decode()
    assert citations(uid) == stored and node("cis-atc")["acronym"] == "CIS ATC"
    assert ChangeRecord.objects.count() == recorded


def test_a_citation_is_removed_and_the_relationship_rests_on_the_other(admin_client):
    uid = cited_twice()
    data = form_data(admin_client.get(URL))
    data[f"{citation_row(data, 'charter')}DELETE"] = "on"

    assert admin_client.post(URL, data).status_code == 302

    assert list(citations(uid)) == ["partners"]
    assert ChangeRecord.objects.filter(action="citation_remove", relationship_uid=uid).count() == 1
    [row] = admin_client.get(URL).context["adminform"].form.relationships.initial_forms
    assert not row.several_sources and row.initial["evidence"] == EVIDENCE  # edited in its row again


def test_removing_every_citation_is_refused_beside_the_last_and_nothing_is_saved(admin_client):
    uid = cited_twice()
    data = form_data(admin_client.get(URL))
    for source_uid in ("charter", "partners"):
        data[f"{citation_row(data, source_uid)}DELETE"] = "on"

    response = admin_client.post(URL, data)

    assert response.status_code == 200
    assert errors_of_rows(response) == [{"DELETE": [LAST_CITATION]}]
    assert LAST_CITATION in response.content.decode()
    assert set(citations(uid)) == {"charter", "partners"}
    assert not ChangeRecord.objects.filter(action="citation_remove").exists()


def test_ticking_the_relationship_too_removes_it_with_its_citations(admin_client):
    uid = cited_twice()
    data = form_data(admin_client.get(URL))
    for source_uid in ("charter", "partners"):
        data[f"{citation_row(data, source_uid)}DELETE"] = "on"
    data["relationships-0-DELETE"] = "on"

    assert admin_client.post(URL, data).status_code == 302

    assert citations(uid) == {}
    assert cypher("MATCH ()-[r:COLLABORATES_WITH]->() RETURN count(r) AS n")[0]["n"] == 0
    assert ChangeRecord.objects.filter(action="relationship_remove", relationship_uid=uid).count() == 1


@pytest.mark.parametrize("row", ["recorded", "new"])
def test_a_relationship_changed_since_the_page_was_opened_refuses_the_save(admin_client, row):
    uid = cited_twice()
    data = form_data(admin_client.get(URL))
    if row == "recorded":
        data[f"{citation_row(data, 'charter')}qualifier"] = "joint exercises"
    else:
        data = with_new_citation(data, relationship=uid, source_uid="charter", exact="Their experts meet")
    cited_by_someone_else = services.citation_update(
        relationship_uid=uid, citation_uid=citations(uid)["partners"]["uid"], data={"since": "2001"}
    )

    response = admin_client.post(URL, data)

    assert response.status_code == 200
    # The row edited is refused; so is the one changed by someone else, which now differs from the page.
    assert errors_of_rows(response) == [{"__all__": [CHANGED_SINCE_OPENED]}] * 2
    assert services.relationship_get(uid=uid)["version"] == cited_by_someone_else["version"]
    assert set(citations(uid)) == {"charter", "partners"} and citations(uid)["charter"].get("qualifier") is None


def test_rows_of_one_relationship_written_in_one_save_do_not_make_each_other_stale(admin_client):
    uid = collaboration()
    other = relationship("PART_OF", "cis-atc", "interpol")["uid"]
    services.citation_add(relationship_uid=other, data={"source_uid": "charter", "exact": "Their experts meet"})
    data = form_data(admin_client.get(URL))
    collaboration_row = next(key for key, value in data.items() if value == "csto")[: -len("other")]
    data[f"{collaboration_row}qualifier"] = "close ties"  # its one citation, changed in its row
    data = with_new_citation(data, relationship=uid, source_uid="charter", exact="closely collaborate")
    data[f"{citation_row(data, 'charter')}since"] = "2005"
    data[f"{citation_row(data, 'partners')}qualifier"] = "staff exchanges"

    assert admin_client.post(URL, data).status_code == 302

    assert (citations(uid)["partners"]["qualifier"], citations(uid)["charter"]["exact"]) == (
        "close ties",
        "closely collaborate",
    )
    assert (citations(other)["charter"]["since"], citations(other)["partners"]["qualifier"]) == (
        "2005",
        "staff exchanges",
    )
    assert version(other) == 4  # created, cited by the charter, then the save's two changes


def test_the_row_of_a_relationship_several_sources_state_saves_without_changing_them(admin_client):
    uid = cited_twice()
    stored, opened = citations(uid), version(uid)
    data = form_data(admin_client.get(URL))
    data.update(
        {
            "acronym": "ATC",
            "relationships-0-since": "1999",  # disabled in that row: what a page posts there is ignored
            "relationships-0-source_uid": "charter",
            "relationships-0-evidence": "Their experts meet",
        }
    )

    assert admin_client.post(URL, data).status_code == 302

    assert node("cis-atc")["acronym"] == "ATC"
    assert (citations(uid), version(uid)) == (stored, opened)
    assert not ChangeRecord.objects.filter(relationship_uid=uid, action__startswith="citation_c").exists()


def test_an_edit_of_a_row_that_another_editor_gave_a_second_source_meanwhile_is_refused_not_dropped(admin_client):
    uid = collaboration()
    data = form_data(admin_client.get(URL))  # one source: the row's own fields are editable
    data["relationships-0-qualifier"] = "close ties"
    services.citation_add(relationship_uid=uid, data={"source_uid": "charter", "exact": "Their experts meet"})

    response = admin_client.post(URL, data)

    assert response.status_code == 200
    [row] = [form for form in response.context["adminform"].form.relationships.forms if form.errors]
    assert row.errors == {"__all__": [CHANGED_SINCE_OPENED]}
    assert citations(uid)["partners"].get("qualifier") is None


def test_the_history_page_tells_each_change_to_a_citation_and_who_made_it(admin_client):
    cited_twice()
    data = form_data(admin_client.get(URL))
    data[f"{citation_row(data, 'charter')}exact"] = "Their experts meet twice a year."
    admin_client.post(URL, data)

    content = admin_client.get("/admin/orgs/organization/cis-atc/history/").content.decode()

    change = content.split('<tr class="change-citation_change">')[1].split("</tr>")[0]
    assert "<td>admin</td>" in change and "Citation changed" in change
    assert "<dt>passage</dt><dd>closely collaborate on terrorism</dd>" in change
    assert "<dt>passage</dt><dd>Their experts meet twice a year.</dd>" in change
    assert "<dt>relationship&#x27;s sources</dt><dd>charter, partners</dd>" in content  # when the charter was added
    assert "{&#x27;" not in content  # no raw Python maps
