// `engine eval`: the loss and bits per byte of a checkpoint on a split of a corpus.
using System.Globalization;
using Engine.Training.Data;
using Engine.Training.Lm;

namespace Engine.Training.Cli;

public static class EvalCommand
{
    private const string Help = """
        usage: engine eval --checkpoint PATH [options]

        Reports the mean loss (nats per byte) and bits per byte of a trained model.

        options:
          --checkpoint PATH   a checkpoint file or run folder (required)
          --data PATH         text file or folder (default: the data the model was trained on)
          --split NAME        validation or train (default validation)
          --batches N         at most N batches (default 50)
        """;

    public static int Run(string[] args)
    {
        var a = new Arguments("eval", args, new HashSet<string> { "help" });
        if (a.Has("help"))
        {
            Console.WriteLine(Help);
            return 0;
        }
        string path = TrainCommand.ResolveCheckpoint(a.String("checkpoint") ?? throw new UsageException("eval: --checkpoint is required"));
        string? data = a.String("data");
        string split = a.String("split") ?? "validation";
        if (split is not ("validation" or "train")) throw new UsageException($"eval: --split must be validation or train, got '{split}'");
        int batches = a.Int("batches", 50, 1);
        a.RejectUnknown();
        var (checkpoint, model) = LmCheckpoint.LoadModel(path);
        var config = checkpoint.Config;
        string? extracted = data is null && config.Data is null
            ? DefaultCorpus.Extract(Path.Combine(Path.GetTempPath(), $"engine-corpus-{Guid.NewGuid():N}"))
            : null;
        try
        {
            string source = data ?? config.Data ?? extracted!;
            if (!File.Exists(source) && !Directory.Exists(source)) throw new UsageException($"eval: --data {source}: no such file or folder");
            using var corpus = (config with { Data = source }).OpenCorpus(source);
            var part = split == "train" ? corpus.Train : corpus.Validation;
            double loss = LmObjective.Evaluate(model, part, config.BatchSize, config.SequenceLength, batches);
            string name = extracted is null ? source : "the embedded default corpus";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{config.Model} on the {split} split of {name}: loss {loss:F4} nats/byte, {LmObjective.BitsPerByte(loss):F3} bits/byte"));
        }
        finally
        {
            if (extracted is not null) Directory.Delete(extracted, recursive: true);
        }
        return 0;
    }
}
