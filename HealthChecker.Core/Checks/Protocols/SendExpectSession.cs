using System.Text;
using System.Text.RegularExpressions;
using HealthChecker.Core.Connections;
using HealthChecker.Core.Targets;

namespace HealthChecker.Core.Checks.Protocols;

/// <summary>
/// HAProxy's tcp-check: ordered send and expect steps, numbered from 1 in every failure text. An expect
/// waits for more data until it matches, the peer leaves, the buffer fills, or the timer fires;
/// consecutive expects look at the same answer, and a send starts a new one (as HAProxy does).
/// </summary>
internal sealed class SendExpectSession : IProtocolSession
{
    private static readonly TimeSpan RegexBudget = TimeSpan.FromMilliseconds(100);
    private readonly IReadOnlyList<CheckStep> _steps;
    private readonly Regex?[] _regexes;
    private readonly ResponseBuffer _response = new();
    private int _step;
    private int _sent;

    public SendExpectSession(IReadOnlyList<CheckStep> steps)
    {
        _steps = steps;
        _regexes = new Regex?[steps.Count];
    }

    public bool ReceivesFirst => _steps.Count > 0 && _steps[0].Action != CheckStepAction.Send;

    /// <summary>The 1-based step the session is at, for tests and timeout texts.</summary>
    public int Step => _step + 1;

    public void OnReceivable(Connection connection) => _response.Fill(connection);

    public void OnSendable(Connection connection)
    {
        // Sending happens in Advance; the pass ends with it.
    }

    public ProtocolVerdict? Advance(Connection connection)
    {
        while (_step < _steps.Count)
        {
            var step = _steps[_step];
            var outcome = step.Action == CheckStepAction.Send ? Send(connection, step) : Expect(connection, step);
            if (outcome.Verdict is { } verdict)
            {
                return verdict;
            }
            if (!outcome.Done)
            {
                return null;
            }
            _step++;
            _sent = 0;
        }
        return new ProtocolVerdict(CheckStatus.L7Ok, "");
    }

    public ProtocolVerdict OnTimeout(Connection connection) =>
        new(CheckStatus.L7Timeout, $"at step {Step} of {_steps.Count} ({StepText.Describe(_steps[_step])})");

    private StepOutcome Send(Connection connection, CheckStep step)
    {
        if (connection.Has(ConnectionFlags.Error))
        {
            return SocketError(connection);
        }
        if (_sent == 0)
        {
            _response.Clear();
        }
        _sent += connection.Transport.SendFrom(connection, step.Bytes.AsSpan(_sent));
        if (connection.Has(ConnectionFlags.Error))
        {
            return SocketError(connection);
        }
        if (_sent < step.Bytes.Length)
        {
            connection.WantSend();
            return Wait;
        }
        connection.StopSend();
        return Done;
    }

    private StepOutcome Expect(Connection connection, CheckStep step)
    {
        connection.StopSend();
        _response.FillAtReadShut(connection);
        int number = _step + 1;
        bool found = Find(step, _response.Data);
        if (found)
        {
            if (step.Negate)
            {
                return new ProtocolVerdict(CheckStatus.L7Response, $"TCPCHK matched unwanted {StepText.What(step)} at step {number}");
            }
            return Done;
        }
        bool conclusive = _response.IsFull || connection.Has(ConnectionFlags.ReadShut) || connection.Has(ConnectionFlags.Error);
        if (!conclusive)
        {
            connection.WantReceive();
            return Wait;
        }
        if (step.Negate)
        {
            return Done;
        }
        if (_response.Length == 0)
        {
            return connection.Has(ConnectionFlags.Error)
                ? SocketError(connection)
                : new ProtocolVerdict(CheckStatus.L7Response, $"TCPCHK got an empty response at step {number}");
        }
        return new ProtocolVerdict(CheckStatus.L7Response, $"TCPCHK did not match {StepText.What(step)} at step {number}");
    }

    private bool Find(CheckStep step, ReadOnlySpan<byte> data)
    {
        if (step.Encoding != StepEncoding.Regex)
        {
            return data.IndexOf(step.Bytes) >= 0;
        }
        var regex = _regexes[_step] ??= new Regex(step.Text, RegexOptions.CultureInvariant, RegexBudget);
        try
        {
            // Latin-1 maps each byte to one char: binary answers match byte for byte.
            return regex.IsMatch(Encoding.Latin1.GetString(data));
        }
        catch (RegexMatchTimeoutException)
        {
            // A runaway pattern must not hold the loop: treat it as no match.
            return false;
        }
    }

    private static ProtocolVerdict SocketError(Connection connection) =>
        new(CheckStatus.SocketError, connection.ErrorText);

    private static readonly StepOutcome Done = new(true, null);

    private static readonly StepOutcome Wait = new(false, null);

    /// <summary>A step is done, still waiting, or decided the check (a verdict).</summary>
    private readonly record struct StepOutcome(bool Done, ProtocolVerdict? Verdict)
    {
        public static implicit operator StepOutcome(ProtocolVerdict verdict) => new(false, verdict);
    }
}
