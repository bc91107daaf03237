// The multi-goal corridor maze of spec irl-rl.md §F-D: a 7×7 grid world with four goals at dead ends
// and the start at the centre. The task observation is x = (cell, goal); the behaviour prior sees only
// x^D = cell (§D.1). Reaching the episode's goal pays 1 and ends the episode. For exact computation each
// goal is a TabularMdp over the free cells plus one absorbing "done" state: stepping into the goal cell
// pays 1 and moves to done, where every action loops with reward 0.
using Engine.Tensors;

namespace Engine.Training.Rl.Priors;

public sealed class GoalMaze
{
    // '#' wall, 'S' start, '0'..'9' goal cells (numbered in reading order of the digits). "corridors" is the
    // spec's corridor maze: one-cell-wide corridors, a trunk up and a trunk down from the centre, each
    // forking to two goals at dead ends, and two goal-less side corridors. "open" keeps the four goals at
    // dead-end corners but opens the middle into a room, so random exploration finds goals far more often.
    public static readonly IReadOnlyDictionary<string, string[]> Layouts = new Dictionary<string, string[]>
    {
        ["corridors"] =
        [
            "0.....1",
            "###.###",
            "###.###",
            "...S...",
            "###.###",
            "###.###",
            "2.....3",
        ],
        ["open"] =
        [
            "0..#..1",
            "##.#.##",
            ".......",
            ".#.S.#.",
            ".......",
            "##.#.##",
            "2..#..3",
        ],
    };

    private readonly int[] _goalStates;

    public GridWorld Grid { get; }
    public int StartState { get; }
    public int Horizon { get; }
    public double Gamma { get; }

    /// <summary>Free cells plus the absorbing done state.</summary>
    public int StateCount => Grid.StateCount + 1;
    public int DoneState => Grid.StateCount;
    public int ActionCount => GridWorld.ActionCount;
    public int GoalCount => _goalStates.Length;

    public GoalMaze(string[] layout, int horizon = 30, double gamma = 0.95)
    {
        if (layout.Length == 0 || layout.Any(row => row.Length != layout[0].Length))
            throw new EngineException("GoalMaze: the layout must be a non-empty rectangle of characters");
        if (horizon <= 0) throw new EngineException($"GoalMaze: horizon must be positive, got {horizon}");
        var walls = new List<(int, int)>();
        var goals = new SortedDictionary<char, (int, int)>();
        (int, int)? start = null;
        for (int r = 0; r < layout.Length; r++)
            for (int c = 0; c < layout[r].Length; c++)
            {
                char ch = layout[r][c];
                if (ch == '#') walls.Add((r, c));
                else if (ch == 'S') start = (r, c);
                else if (char.IsAsciiDigit(ch)) goals[ch] = (r, c);
                else if (ch != '.') throw new EngineException($"GoalMaze: unknown layout character '{ch}' at ({r}, {c})");
            }
        if (start is null) throw new EngineException("GoalMaze: the layout has no start cell 'S'");
        if (goals.Count == 0) throw new EngineException("GoalMaze: the layout has no goal cell");
        Grid = new GridWorld(layout.Length, layout[0].Length, walls);
        StartState = Grid.StateOf(start.Value.Item1, start.Value.Item2);
        _goalStates = goals.Values.Select(g => Grid.StateOf(g.Item1, g.Item2)).ToArray();
        Horizon = horizon;
        Gamma = gamma;
    }

    /// <summary>The spec's maze: the "corridors" layout, horizon 30, γ = 0.95.</summary>
    public static GoalMaze Standard() => new(Layouts["corridors"]);

    /// <summary>A named layout from Layouts, horizon 30, γ = 0.95.</summary>
    public static GoalMaze Named(string layout) =>
        Layouts.TryGetValue(layout, out var rows) ? new(rows)
            : throw new EngineException($"GoalMaze: unknown layout '{layout}' (known: {string.Join(", ", Layouts.Keys)})");

    public int GoalState(int goal) => _goalStates[goal];

    /// <summary>One environment step for the given goal: the next state, the reward and whether the episode ended.</summary>
    public (int Next, double Reward, bool Done) Step(int state, int action, int goal)
    {
        if (state == DoneState) return (DoneState, 0, true);
        int moved = Grid.Move(state, (GridAction)action);
        return moved == _goalStates[goal] ? (DoneState, 1, true) : (moved, 0, false);
    }

    /// <summary>The exact discounted MDP of one goal (infinite horizon, γ; the done state absorbs).</summary>
    public TabularMdp GoalMdp(int goal)
    {
        int n = StateCount;
        var transitions = new double[n, ActionCount, n];
        var rewards = new double[n, ActionCount];
        for (int s = 0; s < n; s++)
            for (int a = 0; a < ActionCount; a++)
            {
                var (next, reward, _) = Step(s, a, goal);
                transitions[s, a, next] = 1;
                rewards[s, a] = reward;
            }
        var start = new double[n];
        start[StartState] = 1;
        return new TabularMdp(transitions, rewards, Gamma, start);
    }
}
