namespace Portico.Storage;

internal enum StoreProvider
{
    Sqlite,
    Postgres,
}
