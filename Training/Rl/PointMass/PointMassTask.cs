// The continuous-control task of the behaviour-prior reproduction (spec irl-rl.md §D.3, "a small
// continuous-control task the project writes"): a 2-D point mass in the square [−1, 1]² that starts at the
// origin and must reach one of four goals at (±0.6, ±0.6). Kinematic dynamics p' = clip(p + 0.1·clip(a, −1, 1)),
// reward exp(−‖p' − g‖² / (2·0.5²)) each step, horizon 20; success means ending within 0.2 of the goal.
// The policy observes (p, g); an information-asymmetric prior observes p only.
namespace Engine.Training.Rl.PointMass;

public sealed class PointMassTask
{
    public const int PositionSize = 2, ActionSize = 2;
    public const double StepSize = 0.1, RewardWidth = 0.5, SuccessRadius = 0.2;

    public static readonly (double X, double Y)[] Goals = [(-0.6, 0.6), (0.6, 0.6), (-0.6, -0.6), (0.6, -0.6)];

    public int Horizon { get; } = 20;
    public double Gamma { get; } = 0.95;

    /// <summary>The next position and the reward for acting with `action` (any real pair; clipped to [−1, 1]).</summary>
    public static ((double X, double Y) Next, double Reward) Step((double X, double Y) position, (double X, double Y) action, int goal)
    {
        double nx = Math.Clamp(position.X + StepSize * Math.Clamp(action.X, -1, 1), -1, 1);
        double ny = Math.Clamp(position.Y + StepSize * Math.Clamp(action.Y, -1, 1), -1, 1);
        var g = Goals[goal];
        double squared = (nx - g.X) * (nx - g.X) + (ny - g.Y) * (ny - g.Y);
        return ((nx, ny), Math.Exp(-squared / (2 * RewardWidth * RewardWidth)));
    }

    public static bool Succeeded((double X, double Y) position, int goal)
    {
        var g = Goals[goal];
        return Math.Sqrt((position.X - g.X) * (position.X - g.X) + (position.Y - g.Y) * (position.Y - g.Y)) < SuccessRadius;
    }
}
