using Microsoft.Extensions.Options;
using Portico.Storage;

namespace Portico.Tools.Records.Transfers;

/// <summary>
/// Blobs as files under one directory (<see cref="BlobOptions.Directory"/>): <c>ab/abcdef…</c>, the path made of the id
/// only. A writer opens its file exclusively (an flock on Unix), so two requests cannot append to one upload at once. A reader's open file
/// outlives its deletion (POSIX), which is what lets a download that has started finish after the sweeper removed it.
/// </summary>
internal sealed class FileBlobStore(IOptions<BlobOptions> options, StoreConnection store) : IBlobStore
{
    private readonly string _root = Path.GetFullPath(options.Value.Directory is { Length: > 0 } directory ? directory
        : store.Provider == StoreProvider.Sqlite ? store.Display + ".blobs" : "portico-blobs");

    public Task<long?> LengthAsync(string blobId, CancellationToken cancellationToken)
    {
        var file = new FileInfo(PathOf(blobId));
        return Task.FromResult(file.Exists ? file.Length : (long?)null);
    }

    public Task<BlobAppend> OpenAppendAsync(string blobId, long offset, bool restart, CancellationToken cancellationToken)
    {
        var path = PathOf(blobId);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        FileStream stream;
        try
        {
            // FileShare.None takes an exclusive flock on Unix: a second writer (this process or another instance on a shared
            // directory) is refused instead of interleaving. Unbuffered: every chunk read from the request is on disk before the next is read, so a connection that drops
            // leaves the blob exactly as long as what arrived — the offset HEAD reports.
            stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0 });
        }
        catch (IOException)
        {
            return Task.FromResult(new BlobAppend(null, new FileInfo(path).Length, Busy: true));
        }

        if (restart)
        {
            stream.SetLength(0);
        }

        if (stream.Length != offset)
        {
            var length = stream.Length;
            stream.Dispose();
            return Task.FromResult(new BlobAppend(null, length));
        }

        stream.Seek(0, SeekOrigin.End);
        return Task.FromResult(new BlobAppend(stream, offset));
    }

    public Task<Stream?> OpenReadAsync(string blobId, long offset, CancellationToken cancellationToken)
    {
        try
        {
            var stream = new FileStream(PathOf(blobId), new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                BufferSize = 0,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            });
            stream.Seek(offset, SeekOrigin.Begin);
            return Task.FromResult<Stream?>(stream);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public Task DeleteAsync(string blobId, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(blobId));
        return Task.CompletedTask;
    }

    private string PathOf(string blobId) => Path.Combine(_root, BlobIds.Check(blobId)[..2], blobId);
}
