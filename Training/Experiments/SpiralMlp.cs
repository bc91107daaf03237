// The default training job until the language models land: a tanh MLP learns to separate a generated
// three-armed spiral (the classic CS231n toy set), trained with SGD + momentum on the engine's autograd.
using Engine.Autograd;
using Engine.Tensors;

namespace Engine.Training.Experiments;

public sealed record SpiralConfig(int Steps = 1500, int Hidden = 64, double LearningRate = 0.2, double Momentum = 0.9,
    int PointsPerClass = 200, int Classes = 3, ulong Seed = 1);

public sealed record SpiralStep(int Step, double Loss, double Accuracy);

public static class SpiralMlp
{
    /// <summary>Points on `classes` spiral arms with angular noise; labels are the arm index.</summary>
    public static (NDArray Points, NDArray Labels) MakeData(int pointsPerClass, int classes, ulong seed)
    {
        int n = pointsPerClass * classes;
        var noise = new Generator(seed).Normal([n], 0, 0.2, DType.Float64).ToDoubleArray();
        var points = new float[n * 2];
        var labels = new long[n];
        for (int c = 0; c < classes; c++)
            for (int i = 0; i < pointsPerClass; i++)
            {
                int k = c * pointsPerClass + i;
                double radius = (double)i / pointsPerClass;
                double angle = c * 4.0 + 4.0 * radius + noise[k];
                points[2 * k] = (float)(radius * Math.Sin(angle));
                points[2 * k + 1] = (float)(radius * Math.Cos(angle));
                labels[k] = c;
            }
        return (NDArray.FromArray(points, n, 2), NDArray.FromArray(labels, n));
    }

    /// <summary>Full-batch training; yields the loss and accuracy after every step.</summary>
    public static IEnumerable<SpiralStep> Train(SpiralConfig config)
    {
        var (points, labels) = MakeData(config.PointsPerClass, config.Classes, config.Seed);
        var x = new Tensor(points);
        var targets = new Tensor(labels.Unsqueeze(1));
        var rng = new Generator(config.Seed + 1);
        Tensor Weight(int fanIn, int fanOut) => new(rng.Normal([fanIn, fanOut], 0, 1 / Math.Sqrt(fanIn)), requiresGrad: true);
        Tensor Bias(int size) => Tensor.Zeros([size], requiresGrad: true);
        Tensor[] parameters =
        [
            Weight(2, config.Hidden), Bias(config.Hidden),
            Weight(config.Hidden, config.Hidden), Bias(config.Hidden),
            Weight(config.Hidden, config.Classes), Bias(config.Classes),
        ];
        var velocity = parameters.Select(p => NDArray.ZerosLike(p.Data)).ToArray();
        for (int step = 1; step <= config.Steps; step++)
        {
            var h1 = (x.MatMul(parameters[0]) + parameters[1]).Tanh();
            var h2 = (h1.MatMul(parameters[2]) + parameters[3]).Tanh();
            var logits = h2.MatMul(parameters[4]) + parameters[5];
            var loss = -logits.LogSoftmax(-1).Gather(1, targets).Mean();
            foreach (var p in parameters) p.Grad = null;
            loss.Backward();
            using (GradMode.NoGrad())
                for (int i = 0; i < parameters.Length; i++)
                {
                    velocity[i] = velocity[i] * config.Momentum + parameters[i].Grad!.Data;
                    parameters[i].SetData(parameters[i].Data - velocity[i] * config.LearningRate);
                }
            var predicted = logits.Data.ArgMax(-1);
            double accuracy = predicted.Binary(BinaryOp.Eq, labels).ToDType(DType.Float64).Mean([0]).Item();
            yield return new SpiralStep(step, loss.Item(), accuracy);
        }
    }
}
