using Portico.Storage;

namespace Portico.Access;

/// <summary>A new key and its plaintext, which exists only here: it is shown once and never stored.</summary>
internal sealed record CreatedApiKey(ApiKeyRecord Record, string Plaintext);
