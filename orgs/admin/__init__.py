"""The admin for the graph (autodiscovered by Django): one admin per kind of node, writing through `orgs.services`.

`backend` makes graph nodes look like Django models and querysets to the admin, running the Cypher of
`queries`; `base` holds what every node admin shares; `nodes` the admin of each kind, `relationships` a
node's relationships on its page, `citations` their citations below them, `merge` the merging of two
organizations, `history` the change log, and `selectors` the admin's other reads.
"""

from django.contrib import admin

from orgs.admin.history import ChangeRecordAdmin
from orgs.admin.nodes import CountryAdmin, DocumentAdmin, EventAdmin, OrganizationAdmin, SourceAdmin
from orgs.models import ChangeRecord, Country, Document, Event, Organization, Source

admin.site.site_header = "ATC Graph administration"
admin.site.site_title = "ATC Graph admin"

# Lists of models: register() takes a lone model only if it is a Django ModelBase, and node classes are not.
admin.site.register([Organization], OrganizationAdmin)
admin.site.register([Country], CountryAdmin)
admin.site.register([Event], EventAdmin)
admin.site.register([Document], DocumentAdmin)
admin.site.register([Source], SourceAdmin)
admin.site.register(ChangeRecord, ChangeRecordAdmin)
