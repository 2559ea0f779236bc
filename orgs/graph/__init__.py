"""The graph server and everything engine-specific: the connection (`connection`), the named write and set-up
queries (`queries`), the schema (`schema`), the ArcadeDB adapter (`arcadedb`), the maintained counts (`counts`),
the embedded server (`embedded`) and its supervisor (`supervisor`), and a throwaway Neo4j (`neo4j_server`).

Import the module you need (`from orgs.graph.connection import cypher`): this package re-exports nothing."""
