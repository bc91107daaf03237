// Learning-rate schedules: the learning rate as a function of the step (0-based, the number of updates
// already taken). Apply with optimizer.SetLearningRate(schedule.LearningRate(step)) before each Step.
using Engine.Tensors;

namespace Engine.Optim;

public interface ILrSchedule
{
    double LearningRate(long step);
}

public sealed class ConstantLr(double learningRate) : ILrSchedule
{
    public double LearningRate(long step) => learningRate;
}

/// <summary>Linear warm-up to peak over warmupSteps (step s gets peak * (s + 1) / warmupSteps, so the
/// first update is not wasted), then cosine decay from peak to floor, reaching floor at totalSteps and
/// staying there (Loshchilov & Hutter 2017, without restarts).</summary>
public sealed class WarmupCosineLr : ILrSchedule
{
    public double Peak { get; }
    public double Floor { get; }
    public long WarmupSteps { get; }
    public long TotalSteps { get; }

    public WarmupCosineLr(double peak, long warmupSteps, long totalSteps, double floor = 0)
    {
        if (warmupSteps < 0 || totalSteps < warmupSteps)
            throw new EngineException($"warmup_cosine: need 0 <= warmup steps <= total steps, got {warmupSteps} and {totalSteps}");
        if (!(floor <= peak)) throw new EngineException($"warmup_cosine: floor {floor} is above peak {peak}");
        (Peak, Floor, WarmupSteps, TotalSteps) = (peak, floor, warmupSteps, totalSteps);
    }

    public double LearningRate(long step)
    {
        if (step < WarmupSteps) return Peak * (step + 1) / WarmupSteps;
        long decaySteps = TotalSteps - WarmupSteps;
        double progress = decaySteps == 0 ? 1 : Math.Min(1.0, (double)(step - WarmupSteps) / decaySteps);
        return Floor + (Peak - Floor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}

/// <summary>initial * gamma^(step / stepSize), as torch.optim.lr_scheduler.StepLR.</summary>
public sealed class StepDecayLr : ILrSchedule
{
    public double Initial { get; }
    public long StepSize { get; }
    public double Gamma { get; }

    public StepDecayLr(double initial, long stepSize, double gamma)
    {
        if (stepSize <= 0) throw new EngineException($"step_decay: step size must be positive, got {stepSize}");
        (Initial, StepSize, Gamma) = (initial, stepSize, gamma);
    }

    public double LearningRate(long step) => Initial * Math.Pow(Gamma, step / StepSize);
}
