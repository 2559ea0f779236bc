from orgs import services


def test_smoke(admin_client):
    services.node_create(label="Source", data={"title": "Partners page"}, uid="partners")
    services.node_create(label="Organization", data={"name": "Alpha", "acronym": "ALF"}, uid="alpha")
    services.node_create(label="Organization", data={"name": "Beta"}, uid="beta")
    for url in ["/admin/", "/admin/orgs/", "/admin/orgs/organization/", "/admin/orgs/organization/?q=alf",
                "/admin/orgs/organization/?kind__exact=other", "/admin/orgs/organization/?o=2",
                "/admin/orgs/organization/alpha/change/", "/admin/orgs/organization/add/",
                "/admin/orgs/organization/alpha/history/", "/admin/orgs/organization/alpha/delete/",
                "/admin/orgs/country/", "/admin/orgs/event/", "/admin/orgs/document/", "/admin/orgs/source/",
                "/admin/orgs/organization/relationships/", "/admin/orgs/organization/graph-search/?q=alp",
                "/admin/orgs/changerecord/"]:
        r = admin_client.get(url)
        print(url, r.status_code)
        assert r.status_code == 200, r.content[:3000]
