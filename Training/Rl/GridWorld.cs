// Grid-world builder (spec irl-rl.md §0): a rectangle of cells, some of them walls, with the five actions
// stay, up, down, left and right. A move that would leave the grid or enter a wall leaves the agent
// where it is (moves are clipped at the borders). Wall cells are not states: state indices number the
// free cells row by row, so every state of the built MDP is a cell the agent can stand on.
using Engine.Tensors;

namespace Engine.Training.Rl;

public enum GridAction { Stay = 0, Up = 1, Down = 2, Left = 3, Right = 4 }

public sealed class GridWorld
{
    public const int ActionCount = 5;

    private readonly bool[,] _walls;
    private readonly int[,] _stateOfCell;
    private readonly (int Row, int Column)[] _cellOfState;

    public int Rows { get; }
    public int Columns { get; }
    public int StateCount => _cellOfState.Length;

    /// <param name="rows">Grid height.</param>
    /// <param name="columns">Grid width.</param>
    /// <param name="walls">Blocked cells (row, column); may be empty.</param>
    public GridWorld(int rows, int columns, IEnumerable<(int Row, int Column)>? walls = null)
    {
        if (rows <= 0 || columns <= 0) throw new EngineException($"GridWorld: size must be positive, got {rows}x{columns}");
        Rows = rows;
        Columns = columns;
        _walls = new bool[rows, columns];
        foreach (var (r, c) in walls ?? [])
        {
            if (!Inside(r, c)) throw new EngineException($"GridWorld: wall ({r}, {c}) is outside the {rows}x{columns} grid");
            _walls[r, c] = true;
        }
        _stateOfCell = new int[rows, columns];
        var cells = new List<(int, int)>();
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
            {
                _stateOfCell[r, c] = _walls[r, c] ? -1 : cells.Count;
                if (!_walls[r, c]) cells.Add((r, c));
            }
        if (cells.Count == 0) throw new EngineException("GridWorld: every cell is a wall");
        _cellOfState = [.. cells];
    }

    public bool IsWall(int row, int column) => _walls[row, column];

    /// <summary>The state index of a free cell.</summary>
    public int StateOf(int row, int column)
    {
        if (!Inside(row, column) || _walls[row, column]) throw new EngineException($"GridWorld: ({row}, {column}) is not a free cell of the {Rows}x{Columns} grid");
        return _stateOfCell[row, column];
    }

    public (int Row, int Column) CellOf(int state) => _cellOfState[state];

    /// <summary>The state reached by a deterministic move (clipped at borders and walls).</summary>
    public int Move(int state, GridAction action)
    {
        var (r, c) = _cellOfState[state];
        var (nr, nc) = action switch
        {
            GridAction.Up => (r - 1, c),
            GridAction.Down => (r + 1, c),
            GridAction.Left => (r, c - 1),
            GridAction.Right => (r, c + 1),
            _ => (r, c),
        };
        return Inside(nr, nc) && !_walls[nr, nc] ? _stateOfCell[nr, nc] : state;
    }

    /// <summary>
    /// The MDP on this grid. With slip probability p, the chosen move happens with probability 1 − p and
    /// otherwise an action drawn uniformly from all five does (p = 0: deterministic, as the specs use).
    /// </summary>
    /// <param name="start">The start cell (a point-mass start distribution).</param>
    /// <param name="gamma">Discount in [0, 1).</param>
    /// <param name="rewards">r[s, a] over free-cell states; all zero when null.</param>
    /// <param name="slip">Probability of a uniformly random action instead of the chosen one.</param>
    public TabularMdp ToMdp((int Row, int Column) start, double gamma, double[,]? rewards = null, double slip = 0)
    {
        if (!(slip >= 0 && slip <= 1)) throw new EngineException($"GridWorld: slip must be in [0, 1], got {slip}");
        int n = StateCount;
        var transitions = new double[n, ActionCount, n];
        for (int s = 0; s < n; s++)
            for (int a = 0; a < ActionCount; a++)
            {
                transitions[s, a, Move(s, (GridAction)a)] += 1 - slip;
                for (int other = 0; other < ActionCount; other++) transitions[s, a, Move(s, (GridAction)other)] += slip / ActionCount;
            }
        var startDistribution = new double[n];
        startDistribution[StateOf(start.Row, start.Column)] = 1;
        return new TabularMdp(transitions, rewards ?? new double[n, ActionCount], gamma, startDistribution);
    }

    /// <summary>A reward of `value` for every action taken in the given cell (zero elsewhere).</summary>
    public double[,] RewardAtCell(int row, int column, double value = 1)
    {
        var rewards = new double[StateCount, ActionCount];
        int s = StateOf(row, column);
        for (int a = 0; a < ActionCount; a++) rewards[s, a] = value;
        return rewards;
    }

    private bool Inside(int r, int c) => r >= 0 && r < Rows && c >= 0 && c < Columns;
}
