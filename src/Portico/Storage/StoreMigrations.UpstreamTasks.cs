namespace Portico.Storage;

internal static partial class StoreMigrations
{
    /// <summary>Steps 95–99: tasks the gateway relays from upstreams that speak the tasks extension.</summary>
    private static StoreMigration[] UpstreamTasks =>
    [
        // The upstream's own id of a relayed task, kept beside Portico's (the only id a client ever sees).
        new(95, "tasks_upstream_task_id",
            Sqlite: "ALTER TABLE tasks ADD COLUMN upstream_task_id TEXT NULL;",
            Postgres: "ALTER TABLE tasks ADD COLUMN upstream_task_id text NULL;"),
    ];
}
