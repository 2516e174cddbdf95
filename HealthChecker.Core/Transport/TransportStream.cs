using HealthChecker.Core.Polling;

namespace HealthChecker.Core.Transport;

/// <summary>
/// A Stream over another transport for SslStream: a read or write that would block stays pending and
/// the loop completes it when the fd handler reports readiness (<see cref="Pump"/>); nothing blocks.
/// </summary>
internal sealed class TransportStream : Stream
{
    private static long _offLoopCalls;
    private readonly ITransportSocket _connection;
    private readonly ITransport _inner;
    private readonly int _loopThread = Environment.CurrentManagedThreadId;
    private readonly LoopOperation _read = new();
    private readonly LoopOperation _write = new();
    private Memory<byte> _readBuffer;
    private ReadOnlyMemory<byte> _writeBuffer;

    public TransportStream(ITransportSocket connection, ITransport inner)
    {
        _connection = connection;
        _inner = inner;
    }

    /// <summary>Reads or writes that ran off the loop thread: must stay 0 (the tests check it).</summary>
    public static long OffLoopCalls => Interlocked.Read(ref _offLoopCalls);

    public bool WritePending => _write.IsPending;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        NoteThread();
        _readBuffer = buffer;
        if (TryRead(out int n, out var error))
        {
            return error is null ? new ValueTask<int>(n) : ValueTask.FromException<int>(error);
        }
        return _read.PendingRead();
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        NoteThread();
        _writeBuffer = buffer;
        if (TryWrite(out var error))
        {
            return error is null ? ValueTask.CompletedTask : ValueTask.FromException(error);
        }
        return _write.PendingWrite();
    }

    /// <summary>Completes what is pending as far as the socket allows; SslStream's continuations run here.</summary>
    public void Pump()
    {
        if (_read.IsPending && TryRead(out int n, out var readError))
        {
            if (readError is null)
            {
                _read.Complete(n);
            }
            else
            {
                _read.Fail(readError);
            }
        }
        if (_write.IsPending && TryWrite(out var writeError))
        {
            if (writeError is null)
            {
                _write.Complete(0);
            }
            else
            {
                _write.Fail(writeError);
            }
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    // Blocking calls would stall the loop: the adapter only speaks async.
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("the loop never blocks");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("the loop never blocks");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    // True when the read is decided: bytes, end of stream (0), or an error.
    private bool TryRead(out int n, out Exception? error)
    {
        error = null;
        n = 0;
        if (_readBuffer.IsEmpty && !_connection.HasFailed && !_connection.IsReadShut)
        {
            // SslStream's zero-byte read only waits for readability: the poller's In says so.
            return (_connection.Events & FdEvents.In) != 0;
        }
        if (!_connection.HasFailed)
        {
            n = _inner.ReceiveInto(_connection, _readBuffer.Span);
        }
        if (n > 0)
        {
            return true;
        }
        if (_connection.HasFailed)
        {
            error = SocketFailure();
            return true;
        }
        return _connection.IsReadShut;
    }

    private bool TryWrite(out Exception? error)
    {
        error = null;
        if (!_connection.HasFailed)
        {
            _writeBuffer = _writeBuffer[_inner.SendFrom(_connection, _writeBuffer.Span)..];
        }
        if (_connection.HasFailed)
        {
            error = SocketFailure();
            return true;
        }
        return _writeBuffer.IsEmpty;
    }

    private SocketFailureException SocketFailure() => new(_connection.ErrorText);

    private void NoteThread()
    {
        if (Environment.CurrentManagedThreadId != _loopThread)
        {
            Interlocked.Increment(ref _offLoopCalls);
        }
    }
}

/// <summary>The socket under the TLS stream failed (reset, broken pipe): SOCKERR, not a TLS verdict.</summary>
internal sealed class SocketFailureException(string message) : IOException(message);
