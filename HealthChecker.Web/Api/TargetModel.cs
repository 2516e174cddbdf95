using HealthChecker.Core.Store;
using HealthChecker.Web.Monitoring;

namespace HealthChecker.Web.Api;

/// <summary>A stored target as the API returns it: the input fields (so it can be sent back with PUT) plus what the store adds.</summary>
public sealed class TargetModel : TargetInput
{
    public long Id { get; set; }

    public string Group { get; set; } = "";

    /// <summary>tcp, expect, http or tls.</summary>
    public string Kind { get; set; } = "";

    public string Host { get; set; } = "";

    public int Port { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>Why the stored options cannot be read (<c>options unreadable: $.steps ...</c>), so the target is not checked and the fields they hold are missing; absent when they read.</summary>
    public string? OptionsProblem { get; set; }

    /// <summary>The name of the node that checks the target (from the shard map and the membership); absent while none is Active.</summary>
    public string? Node { get; set; }

    public static TargetModel From(TargetRecord r, IMonitorView view) => WithNode(From(r), view);

    public static TargetModel From(TargetRecord r)
    {
        var model = new TargetModel
        {
            Id = r.Id,
            Group = r.GroupName,
            Kind = r.Kind,
            Host = r.Host,
            Port = r.Port,
            CreatedAt = r.CreatedAt,
            UpdatedAt = r.UpdatedAt,
            OptionsProblem = TargetRow.OptionsProblem(r),
        };
        model.Fill(TargetRow.ToDraft(r));
        return model;
    }

    private static TargetModel WithNode(TargetModel model, IMonitorView view)
    {
        model.Node = view.OwnerOf(model.Id)?.Name;
        return model;
    }
}
