// `engine reproduce dks`: trains deep vanilla MLPs on Fashion-MNIST (the IDX files of Debian's
// dataset-fashion-mnist package) to check the DKS/TAT claim that shaping the kernel makes deep networks
// without skips or normalisation trainable, and that K-FAC trains them faster than SGD (Martens et al.
// 2021; Zhang et al. 2022). Inputs are 2 x 2 average-pooled (14 x 14), centred per pixel on the training
// mean, and per-location normalised with a homogeneous coordinate (dks data_preprocessing.py).
using Engine.Nn.Dks;
using Engine.Optim.Kfac;
using Engine.Tensors;
using Engine.Training.Cli;
using Engine.Training.Data;

namespace Engine.Training.Dks.Reproduce;

public static class DksReproduceCommand
{
    public const string DefaultDataDirectory = "/usr/share/datasets/fashion-mnist";
    private const string InstallHint = "sudo apt-get install dataset-fashion-mnist";

    private const string Help = """
        usage: engine reproduce dks [options]

        Trains a deep vanilla MLP (no normalisation, no skips) on Fashion-MNIST in five arms: standard init + SGD,
        TAT (Leaky ReLU, eta 0.9) + SGD, TAT + K-FAC (adaptive), TAT + K-FAC (fixed settings), and a shallow
        net + SGD, and writes metrics.jsonl, SVG curves
        against steps and seconds, and results.md into the output folder. The defaults are the quick version.

          --data DIR          folder with the IDX files (default /usr/share/datasets/fashion-mnist)
          --out DIR           output folder (default runs/dks)
          --steps N           training steps of the SGD arms (default 400)
          --kfac-steps N      training steps of the K-FAC arm (default 80)
          --batch N           batch size (default 128)
          --depth L           nonlinear layers of the deep nets (default 50)
          --width W           hidden width (default 64)
          --eval-every N      steps between test evaluations (default 20)
          --train-examples N  training images used (default all)
          --test-examples N   test images evaluated (default 2000)
          --arms A,B          a subset of standard+sgd, tat+sgd, tat+kfac, tat+kfac-fixed, shallow+sgd
          --sgd-lr X          SGD learning rate of every SGD arm (default per arm: 0.003 for the deep nets,
                              0.03 for the shallow one; momentum 0.9)
          --kfac-damping X    initial damping of the adaptive K-FAC arm (default 0.01)
          --seed N            seed of the initialisation and the batch order (default 0)
          --device NAME       cpu, cuda or ilgpu-cpu: where the networks and batches live (default cpu);
                              K-FAC's factors and inverses stay on the cpu in float64
        """;

    public static int Run(string[] args)
    {
        if (Array.Exists(args, a => a is "--help" or "-h"))
        {
            Console.WriteLine(Help);
            return 0;
        }
        var options = new Arguments("reproduce dks", args, new HashSet<string>());
        string dataDirectory = options.String("data") ?? DefaultDataDirectory;
        string outDirectory = options.String("out") ?? Path.Combine("runs", "dks");
        var defaults = new DksExperimentConfig();
        var config = defaults with
        {
            Steps = options.Int("steps", defaults.Steps, 1, 1_000_000),
            KfacSteps = options.Int("kfac-steps", defaults.KfacSteps, 1, 1_000_000),
            BatchSize = options.Int("batch", defaults.BatchSize, 1, 60_000),
            Depth = options.Int("depth", defaults.Depth, 1, 10_000),
            Width = options.Int("width", defaults.Width, 1, 100_000),
            EvalEvery = options.Int("eval-every", defaults.EvalEvery, 1, 1_000_000),
            Seed = (ulong)options.Int("seed", 0, 0),
            SgdLearningRate = options.Has("sgd-lr") ? options.Double("sgd-lr", 0, 1e-9, 100) : null,
            Kfac = defaults.Kfac with
            {
                Damping = options.Double("kfac-damping", defaults.Kfac.Damping, 1e-12, 1e6),
            },
        };
        int trainExamples = options.Int("train-examples", 60_000, 1, 60_000);
        int testExamples = options.Int("test-examples", 2_000, 1, 10_000);
        var arms = SelectArms(options.String("arms"));
        string deviceName = options.DeviceName();
        options.RejectUnknown();
        config = config with { Device = Device.Parse(deviceName) };
        if (config.BatchSize > trainExamples)
            throw new UsageException($"reproduce dks: --batch {config.BatchSize} exceeds the {trainExamples} training examples");
        // The TAT solve also refuses a depth too shallow for η (before any data is read).
        if (arms.Any(a => a.Network == NetworkKind.TatDeep))
        {
            var tat = DeepMlp.TatParameters(config.Depth);
            Console.WriteLine($"reproduce dks: TAT Leaky ReLU for a {config.Depth}-layer chain, eta {DeepMlp.TatEta}: slope {tat.NegativeSlope:G6}, output scale {tat.OutputScale:G6}");
        }

        var files = new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" }
            .Select(name => FindFile(dataDirectory, name)).ToArray();
        if (files.Any(f => f is null))
        {
            Console.Error.WriteLine($"reproduce dks: Fashion-MNIST not found in {dataDirectory} (install it with: {InstallHint}, or pass --data DIR)");
            return 2;
        }
        // Fail on an unusable output folder now rather than after the training runs.
        Directory.CreateDirectory(outDirectory);
        var (trainImages, trainLabels) = Idx.ReadDataset(files[0]!, files[1]!);
        var (testImages, testLabels) = Idx.ReadDataset(files[2]!, files[3]!);
        var data = Prepare(trainImages.Slice(0, 0, Math.Min(trainExamples, trainImages.Dim(0))), trainLabels.Slice(0, 0, Math.Min(trainExamples, trainLabels.Dim(0))),
            testImages.Slice(0, 0, Math.Min(testExamples, testImages.Dim(0))), testLabels.Slice(0, 0, Math.Min(testExamples, testLabels.Dim(0))), classes: 10);
        var results = DksExperiment.Run(config, data, arms, Console.WriteLine);
        string description = $"Fashion-MNIST ({data.TrainInputs.Dim(0)} training images, {data.TestInputs.Dim(0)} test images, 14 x 14)";
        DksReport.Write(outDirectory, config, results, description);
        Console.WriteLine();
        Console.WriteLine(DksReport.Table(config, results, description));
        Console.WriteLine($"reproduce dks: wrote {string.Join(", ", DksReport.Files)} to {outDirectory}");
        return 0;
    }

    /// <summary>Images [n, 28, 28] in [0, 1] to the network inputs [n, 197] (see the file comment).</summary>
    public static ImageDataset Prepare(NDArray trainImages, NDArray trainLabels, NDArray testImages, NDArray testLabels, int classes)
    {
        var train = Pool(trainImages);
        var test = Pool(testImages);
        var mean = train.Mean([0], keepDim: true);
        return new(Normalize(train - mean), trainLabels.Contiguous(), Normalize(test - mean), testLabels.Contiguous(), classes);
    }

    private static NDArray Pool(NDArray images)
    {
        if (images.Rank != 3 || images.Dim(1) % 2 != 0 || images.Dim(2) % 2 != 0)
            throw new EngineException($"reproduce dks: expected images [n, rows, cols] with even sides, got {images.ShapeString}");
        int n = images.Dim(0), rows = images.Dim(1) / 2, cols = images.Dim(2) / 2;
        return images.Reshape(n, rows, 2, cols, 2).Mean([2, 4]).Reshape(n, rows * cols);
    }

    private static NDArray Normalize(NDArray x) => PerLocationNormalization.Apply(x, HomogeneousCoordinate.One).ToDType(DType.Float32);

    private static IReadOnlyList<Arm> SelectArms(string? list)
    {
        if (list is null) return DksExperimentConfig.DefaultArms;
        var arms = new List<Arm>();
        foreach (var name in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            arms.Add(Array.Find(DksExperimentConfig.DefaultArms, a => a.Name == name)
                ?? throw new UsageException($"reproduce dks: unknown arm '{name}' (known: {string.Join(", ", DksExperimentConfig.DefaultArms.Select(a => a.Name))})"));
        if (arms.Count == 0) throw new UsageException("reproduce dks: --arms names no arm");
        return arms;
    }

    private static string? FindFile(string directory, string name)
    {
        foreach (var candidate in new[] { name + ".gz", name })
        {
            string path = Path.Combine(directory, candidate);
            if (File.Exists(path)) return path;
        }
        return null;
    }
}
