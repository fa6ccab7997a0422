namespace Portico.Mcp;

/// <summary>
/// The session's standalone SSE stream as the SDK sees it: one stream for the session's whole
/// life, forwarding to whichever <c>GET /mcp</c> response is attached now. A client whose GET
/// dropped simply opens another one; while none is attached, events are kept only in the
/// <see cref="SseEventStore"/> (for clients that resume with <c>Last-Event-ID</c>).
/// </summary>
internal sealed class StandaloneStreamRelay : Stream
{
    private readonly Lock _gate = new();
    private Attachment? _current;

    /// <summary>
    /// Attaches a GET response; <paramref name="detached"/> completes when the client leaves or the session ends.
    /// With <paramref name="replace"/>, a response attached already is ended and this one takes its place: a
    /// client that resumes is reconnecting, and the server may not have noticed yet that its old connection died.
    /// </summary>
    public bool TryAttach(Stream target, bool replace, CancellationToken requestAborted, out Task detached)
    {
        Attachment? replaced;
        lock (_gate)
        {
            replaced = _current;
            if (replaced is not null && !replace)
            {
                detached = Task.CompletedTask;
                return false;
            }

            var attachment = new Attachment(target);
            _current = attachment;
            attachment.Registration = requestAborted.Register(() => Detach(attachment));
            detached = attachment.Detached.Task;
        }

        if (replaced is not null)
        {
            replaced.Ended = true;
            Detach(replaced);
        }

        return true;
    }

    public void DetachAll()
    {
        Attachment? current;
        lock (_gate)
        {
            current = _current;
        }

        if (current is not null)
        {
            Detach(current);
        }
    }

    public override async Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => await WriteAsync(buffer.AsMemory(offset, count), cancellationToken);

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var attachment = _current;
        if (attachment is null)
        {
            return;
        }

        await attachment.Writes.WaitAsync(cancellationToken);
        try
        {
            if (!attachment.Ended)
            {
                await attachment.Target.WriteAsync(buffer, cancellationToken);
            }
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The client went away mid-write: forget this GET; the next one picks up from here.
            Detach(attachment);
        }
        finally
        {
            attachment.Writes.Release();
        }
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        var attachment = _current;
        if (attachment is null)
        {
            return;
        }

        await attachment.Writes.WaitAsync(cancellationToken);
        try
        {
            if (!attachment.Ended)
            {
                await attachment.Target.FlushAsync(cancellationToken);
            }
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            Detach(attachment);
        }
        finally
        {
            attachment.Writes.Release();
        }
    }

    /// <summary>
    /// Ends the attached GET response (the server is shutting down): <paramref name="farewell"/> (an SSE
    /// <c>retry:</c> hint) is its last write, between two of the SDK's events, then the response completes.
    /// Clients reconnect after the hint, to an instance that is still up.
    /// </summary>
    public async Task EndAsync(ReadOnlyMemory<byte> farewell, CancellationToken cancellationToken)
    {
        var attachment = _current;
        if (attachment is null)
        {
            return;
        }

        await attachment.Writes.WaitAsync(cancellationToken);
        try
        {
            if (!attachment.Ended)
            {
                attachment.Ended = true;
                await attachment.Target.WriteAsync(farewell, cancellationToken);
                await attachment.Target.FlushAsync(cancellationToken);
            }
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The client is gone already; ending is all that was left to do.
        }
        finally
        {
            attachment.Writes.Release();
            Detach(attachment);
        }
    }

    public override void Flush()
    {
    }

    public override void Write(byte[] buffer, int offset, int count)
        => throw new NotSupportedException("The standalone stream relay is written asynchronously only.");

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            DetachAll();
        }

        base.Dispose(disposing);
    }

    private void Detach(Attachment attachment)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_current, attachment))
            {
                _current = null;
            }
        }

        attachment.Registration.Dispose();
        attachment.Detached.TrySetResult();
    }

    private sealed class Attachment(Stream target)
    {
        public Stream Target { get; } = target;

        public TaskCompletionSource Detached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>One write at a time, so the shutdown farewell never lands inside an event.</summary>
        public SemaphoreSlim Writes { get; } = new(1, 1);

        /// <summary>Set under <see cref="Writes"/> once the farewell is written: nothing follows it.</summary>
        public bool Ended { get; set; }

        public CancellationTokenRegistration Registration { get; set; }
    }
}
