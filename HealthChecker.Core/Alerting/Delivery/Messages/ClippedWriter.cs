using System.Text;

namespace HealthChecker.Core.Alerting.Delivery.Messages;

/// <summary>Keeps the first <c>max</c> characters written (the last one an ellipsis when more came) and drops the rest.</summary>
internal sealed class ClippedWriter(int max) : TextWriter
{
    private readonly StringBuilder _text = new();
    private bool _clipped;

    public override Encoding Encoding => Encoding.Unicode;

    public string Text => _clipped ? _text.ToString(0, max - 1) + "…" : _text.ToString();

    public override void Write(char value)
    {
        if (_text.Length < max)
        {
            _text.Append(value);
        }
        else
        {
            _clipped = true;
        }
    }

    public override void Write(string? value) => Write(value.AsSpan());

    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    // Synchronous, so a render never waits for a pool thread: TextWriter's own async writes would post their ends back to
    // the caller's context, which a render blocked on (a Blazor page validating a template) would never run.
    public override Task WriteAsync(char value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(char[] buffer, int index, int count)
    {
        Write(buffer, index, count);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return Task.CompletedTask;
    }

    public override Task FlushAsync() => Task.CompletedTask;

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Write(ReadOnlySpan<char> buffer)
    {
        var room = max - _text.Length;
        if (buffer.Length > room)
        {
            _clipped = true;
            buffer = buffer[..Math.Max(0, room)];
        }

        _text.Append(buffer);
    }
}
