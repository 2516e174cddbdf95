using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace HealthChecker.Core.Targets;

/// <summary>
/// YAML events one at a time, within <see cref="TargetsFileLimits"/>: no node tree is built, an alias is refused
/// where it stands (never expanded), and the first excess of depth or nodes ends the read with its line.
/// </summary>
internal sealed class YamlEventReader
{
    private readonly Parser _parser;
    private readonly TargetsFileLimits _limits;
    private readonly List<HashSet<string>> _keysByDepth = [];
    private int _depth;
    private long _nodes;

    public YamlEventReader(TextReader reader, TargetsFileLimits limits)
    {
        _parser = new Parser(new Scanner(reader, skipComments: true));
        _limits = limits;
        Next();
    }

    public ParsingEvent Current { get; private set; } = null!;

    public int Line => (int)Current.Start.Line;

    /// <summary>Moves to the next event; throws <see cref="TargetsFileLimitException"/> at the first excess.</summary>
    public void Next()
    {
        if (!_parser.MoveNext())
        {
            throw new TargetsFileLimitException("ends early", Line);
        }

        Current = _parser.Current!;
        switch (Current)
        {
            case AnchorAlias alias:
                // A targets file has defaults: for what repeats; an alias could multiply one node a billion times.
                throw new TargetsFileLimitException($"aliases such as *{EchoedText.Clip(alias.Value.Value)} are not allowed in a targets file", Line);
            case MappingStart or SequenceStart when ++_depth > _limits.MaxDepth:
                throw new TargetsFileLimitException($"nested deeper than {_limits.MaxDepth} levels", Line);
            case MappingEnd or SequenceEnd:
                _depth--;
                break;
        }

        if (Current is Scalar or MappingStart or SequenceStart && ++_nodes > _limits.MaxNodes)
        {
            throw new TargetsFileLimitException($"has more than {_limits.MaxNodes} values, lists and mappings", Line);
        }
    }

    /// <summary>An empty set for the keys of the mapping just entered; one set per level, reused (a file has ~200 000 mappings).</summary>
    public HashSet<string> KeysOfThisMapping()
    {
        while (_keysByDepth.Count <= _depth)
        {
            _keysByDepth.Add(new HashSet<string>(StringComparer.Ordinal));
        }

        var keys = _keysByDepth[_depth];
        keys.Clear();
        return keys;
    }

    /// <summary>Steps over the node that starts here (a value, or a whole list or mapping).</summary>
    public void Skip()
    {
        var depth = 0;
        do
        {
            depth += Current switch
            {
                MappingStart or SequenceStart => 1,
                MappingEnd or SequenceEnd => -1,
                _ => 0,
            };
            Next();
        }
        while (depth > 0);
    }

    /// <summary>The scalar here, moving past it; null (and nothing consumed) if the node is not a scalar.</summary>
    public string? TakeScalar()
    {
        if (Current is not Scalar scalar)
        {
            return null;
        }

        Next();
        return scalar.Value;
    }
}

/// <summary>A targets file broke a limit of <see cref="TargetsFileLimits"/>: reading stops there.</summary>
internal sealed class TargetsFileLimitException(string message, int line) : Exception(message)
{
    public int Line { get; } = line;
}
