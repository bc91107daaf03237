// The exact tabular set-ups of the convex-MDP reproduction (spec irl-rl.md §C.3): a 5×5 grid with the
// actions stay/up/down/left/right clipped at the borders, γ = 0.9, start (0, 0). Shared by the tests and
// `engine reproduce convex-mdp` so both measure the same instances.
namespace Engine.Training.Rl.ConvexMdp;

public static class ConvexMdpSetups
{
    public const int Size = 5;
    public const double Gamma = 0.9;

    public static GridWorld Grid() => new(Size, Size);

    public static TabularMdp Mdp(GridWorld grid) => grid.ToMdp((0, 0), Gamma);

    /// <summary>The apprenticeship expert: π_E = softmax(Q*/0.1) for reward 1 at cell (4, 4); returns its occupancy d_E.</summary>
    public static double[,] ExpertOccupancy(GridWorld grid, double temperature = 0.1)
    {
        var task = grid.ToMdp((0, 0), Gamma, grid.RewardAtCell(Size - 1, Size - 1));
        var optimal = ValueIteration.Solve(task);
        return Occupancy.StateActions(task, TabularPolicy.Boltzmann(optimal.ActionValues, temperature));
    }

    /// <summary>The constrained MDP: reward 1 at (4, 4), cost 1 on every cell of column 2, threshold τ = 0.01.</summary>
    public static (double[,] Reward, double[,] Cost, double Threshold) Constrained(GridWorld grid)
    {
        var cost = new double[grid.StateCount, GridWorld.ActionCount];
        for (int row = 0; row < Size; row++)
            for (int a = 0; a < GridWorld.ActionCount; a++) cost[grid.StateOf(row, 2), a] = 1;
        return (grid.RewardAtCell(Size - 1, Size - 1), cost, 0.01);
    }
}
