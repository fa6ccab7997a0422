namespace Portico.Tools.Records.Transfers;

/// <summary>What <see cref="IBlobStore.OpenAppendAsync"/> found: a stream to write to, or why not (the blob's length, or busy).</summary>
internal sealed record BlobAppend(Stream? Stream, long Length, bool Busy = false);
