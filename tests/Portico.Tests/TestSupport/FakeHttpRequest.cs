namespace Portico.Tests.TestSupport;

/// <summary>A request as it reached a <see cref="FakeHttpHost"/>: method, path and headers (names case-insensitive).</summary>
internal sealed record FakeHttpRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers);
