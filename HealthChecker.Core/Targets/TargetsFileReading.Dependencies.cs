namespace HealthChecker.Core.Targets;

/// <summary>The <c>depends-on</c> of a read's targets, checked across the file: each names a target of the file, and none goes round in a cycle.</summary>
internal sealed partial class TargetsFileReading
{
    // In file order: the target, the one it depends on, and where that was written.
    private readonly List<(string Target, string Parent, string Label, int Line)> _dependencies = [];

    // Names of the file's targets that have mistakes: a dependency on one is told of the mistake only.
    private readonly HashSet<string> _invalidNames = new(StringComparer.Ordinal);

    private void NoteInvalidName(string? name)
    {
        if (name?.Trim() is { Length: > 0 } text)
        {
            _invalidNames.Add(text.Contains('/', StringComparison.Ordinal) ? text : $"{TargetValidator.DefaultGroup}/{text}");
        }
    }

    private void NoteDependency(TargetDefinition definition, string label, TargetDraft draft)
    {
        if (definition.DependsOn is { } parent)
        {
            _dependencies.Add((definition.FullName, parent, label, draft.Lines.GetValueOrDefault("depends-on", draft.Line ?? 0)));
        }
    }

    private void CrossCheckDependencies()
    {
        var parents = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (target, parent, label, line) in _dependencies)
        {
            parents[target] = parent;
            if (!_seen.ContainsKey(parent) && !_invalidNames.Contains(parent))
            {
                Add(new TargetError($"{label}.depends-on", $"'{EchoedText.Clip(parent)}' is not a target of this file: a file names every target it depends on", line));
            }
        }

        // Each target has at most one parent: a walk from each finds every cycle, reported once, at its first target in file order.
        var order = _dependencies.Select((d, i) => (d.Target, i)).ToDictionary(x => x.Target, x => x.i, StringComparer.Ordinal);
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (target, _, _, _) in _dependencies)
        {
            var path = new List<string>();
            var onPath = new HashSet<string>(StringComparer.Ordinal);
            var at = target;
            while (!done.Contains(at) && onPath.Add(at))
            {
                path.Add(at);
                if (!parents.TryGetValue(at, out var next))
                {
                    break;
                }

                at = next;
            }

            if (onPath.Contains(at) && parents.ContainsKey(path[^1]) && !done.Contains(at) && path.IndexOf(at) is var from)
            {
                var members = path[from..];
                var first = members.MinBy(m => order[m])!;
                var rotated = members.Skip(members.IndexOf(first)).Concat(members.Take(members.IndexOf(first))).Append(first);
                var (_, _, label, line) = _dependencies[order[first]];
                Add(new TargetError($"{label}.depends-on", $"goes round in a cycle ({string.Join(" -> ", rotated.Select(n => EchoedText.Clip(n, 60)))}): a chain of dependencies must end at a target that depends on none", line));
            }

            done.UnionWith(path);
        }
    }
}
