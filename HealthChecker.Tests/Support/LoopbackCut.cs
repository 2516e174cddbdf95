using System.Globalization;

namespace HealthChecker.Tests.Support;

/// <summary>
/// Drops every TCP packet on loopback to or from the given ports, in an nftables table of its own (a unique name), as a
/// network cut does: no answer, no reset. Removed on <see cref="Dispose"/>; needs root and nft (test.sh installs it).
/// </summary>
public sealed class LoopbackCut : IDisposable
{
    private readonly string _nft;
    private readonly string _table = $"hc_cut_{Guid.NewGuid():N}"[..24];
    private bool _active;

    public LoopbackCut(params int[] ports)
    {
        _nft = NativeTool.Require("nft");
        var set = string.Join(", ", ports.Select(p => p.ToString(CultureInfo.InvariantCulture)));
        var rules = $$"""
            table inet {{_table}} {
                chain input {
                    type filter hook input priority -10; policy accept;
                    iifname "lo" tcp dport { {{set}} } drop
                    iifname "lo" tcp sport { {{set}} } drop
                }
            }
            """;
        var load = NativeTool.Run(_nft, ["-f", "-"], stdin: rules);
        Assert.True(load.ExitCode == 0, $"nft refused the rules: {load.Error}");
        _active = true;
    }

    /// <summary>Lifts the cut; again is a no-op.</summary>
    public void Dispose()
    {
        if (!_active)
        {
            return;
        }

        _active = false;
        var delete = NativeTool.Run(_nft, ["delete", "table", "inet", _table]);
        Assert.True(delete.ExitCode == 0, $"nft could not delete table {_table}: {delete.Error}");
    }
}
