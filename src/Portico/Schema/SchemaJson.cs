using System.Text.Json.Serialization;

namespace Portico.Schema;

/// <summary>Source-generated serialization for the few values the validator builds itself.</summary>
[JsonSerializable(typeof(string[]))]
internal sealed partial class SchemaJson : JsonSerializerContext;
