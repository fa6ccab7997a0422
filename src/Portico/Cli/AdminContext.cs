using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Portico.Access;
using Portico.Storage;

namespace Portico.Cli;

/// <summary>
/// What an administrative command works with. Every change goes through <see cref="Admin"/>, so
/// running servers hear of it; <see cref="Db"/> is for reads that only display.
/// </summary>
internal sealed record AdminContext(AccessAdmin Admin, PorticoDbContext Db, TimeProvider Time, TextWriter Output, TextWriter Error, bool Json, IServiceProvider Services)
{
    public Task WriteJsonAsync<T>(T value, JsonTypeInfo<T> type) => Output.WriteLineAsync(JsonSerializer.Serialize(value, type));
}
