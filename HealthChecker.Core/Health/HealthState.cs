namespace HealthChecker.Core.Health;

/// <summary>What a target is, as the dashboard and <c>state_changes</c> name it.</summary>
public enum TargetState
{
    Unknown,
    Up,
    Down,
    Maint,
}

/// <summary>
/// HAProxy's rise/fall counter. <see cref="Health"/> runs from 0 to rise + fall - 1; the target is UP
/// when it is at least <c>rise</c>. Not thread-safe: one event loop owns each target's state.
/// </summary>
public sealed class HealthState
{
    public HealthState(int rise, int fall, bool startUp)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rise, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(fall, 1);
        Rise = rise;
        Fall = fall;
        StartUp = startUp;
        Health = startUp ? rise : 0;
    }

    /// <summary>
    /// Goes on from a stored state: UP at full health (as after a full rise: it falls after <c>fall</c> failures), DOWN at 0
    /// (it rises after <c>rise</c> passes); any other state starts as a new target.
    /// </summary>
    public static HealthState Resumed(int rise, int fall, bool startUp, TargetState state)
    {
        var health = new HealthState(rise, fall, startUp);
        health.Health = state switch
        {
            TargetState.Up => health.Max,
            TargetState.Down => 0,
            _ => health.Health,
        };
        return health;
    }

    public int Rise { get; }

    public int Fall { get; }

    public bool StartUp { get; }

    public int Health { get; private set; }

    public bool InMaintenance { get; private set; }

    private int Max => Rise + Fall - 1;

    public TargetState State => InMaintenance ? TargetState.Maint : Health >= Rise ? TargetState.Up : TargetState.Down;

    /// <summary>Neither fully up nor fully down: the interval is <c>fastinter</c>.</summary>
    public bool IsTransitional => !InMaintenance && Health > 0 && Health < Max;

    public bool IsFullyDown => !InMaintenance && Health == 0;

    /// <summary>
    /// As HAProxy's stats page shows it: <c>UP</c>, <c>DOWN</c>, <c>MAINT</c>, or while changing
    /// <c>UP 2/3</c> (failures left before DOWN, of fall) and <c>DOWN 1/2</c> (passes so far, of rise).
    /// </summary>
    public string Display => State switch
    {
        TargetState.Maint => "MAINT",
        TargetState.Up when Health < Max => $"UP {Health - Rise + 1}/{Fall}",
        TargetState.Up => "UP",
        _ when Health > 0 => $"DOWN {Health}/{Rise}",
        _ => "DOWN",
    };

    /// <summary>Counts one check; returns the state it left when UP/DOWN flipped, else null.</summary>
    public TargetState? Report(bool passed)
    {
        if (InMaintenance)
        {
            return null;
        }

        var before = State;
        if (passed)
        {
            // Any pass that reaches rise restores full health: one good check undoes a partial fall.
            if (Health < Max && ++Health >= Rise)
            {
                Health = Max;
            }
        }
        else if (Health > Rise)
        {
            Health--;
        }
        else
        {
            // At rise or below, a failure is the last straw (or keeps it down): all the way to 0.
            Health = 0;
        }

        return State != before ? before : null;
    }

    /// <summary>Paused: no checks, shown as MAINT. Returns the state it left, or null if already paused.</summary>
    public TargetState? EnterMaintenance()
    {
        if (InMaintenance)
        {
            return null;
        }

        var before = State;
        InMaintenance = true;
        return before;
    }

    /// <summary>Resumed: starts over from the configured start state, as a new target would.</summary>
    public bool LeaveMaintenance()
    {
        if (!InMaintenance)
        {
            return false;
        }

        InMaintenance = false;
        Health = StartUp ? Rise : 0;
        return true;
    }
}
