// The networks of `engine reproduce dks`: a deep vanilla MLP (no normalisation, no skip connections) of
// `depth` nonlinear layers, initialised either the standard way (He-normal weights, zero biases, ReLU)
// or the DKS/TAT way (SUO weights, zero biases, the TAT-transformed Leaky ReLU solved for this plain
// chain, η = 0.9; Zhang et al. 2022, section 4), and a shallow ReLU baseline (two hidden layers).
using Engine.Nn;
using Engine.Nn.Dks;
using Engine.Tensors;

namespace Engine.Training.Dks.Reproduce;

public enum NetworkKind
{
    /// <summary>Deep ReLU MLP with He-normal init (the edge-of-chaos scaling for ReLU).</summary>
    StandardDeep,
    /// <summary>Deep MLP with SUO init and TAT Leaky ReLU (η = 0.9).</summary>
    TatDeep,
    /// <summary>Two hidden ReLU layers with He-normal init.</summary>
    Shallow,
}

public static class DeepMlp
{
    public const double TatEta = 0.9;

    /// <summary>inputs → depth (or 2 for Shallow) hidden layers of width → classes logits.</summary>
    public static Sequential Build(NetworkKind kind, int inputs, int width, int depth, int classes, Generator rng)
    {
        int hidden = kind == NetworkKind.Shallow ? 2 : depth;
        Func<Layer> activation = kind == NetworkKind.TatDeep ? TatActivation(depth) : () => Activation.Named("relu");
        var model = new Sequential();
        for (int layer = 0; layer < hidden; layer++)
        {
            model.Add(Dense(kind, layer == 0 ? inputs : width, width, rng));
            model.Add(activation());
        }
        model.Add(Dense(kind, width, classes, rng));
        return model;
    }

    /// <summary>The TAT Leaky ReLU parameters (slope s, output scale γ) for a chain of depth layers.</summary>
    public static TransformParameters TatParameters(int depth) =>
        TatSolver.SolveLeakyRelu(SubnetworkMaps.PlainChain(depth), TatEta);

    private static Func<Layer> TatActivation(int depth)
    {
        var parameters = TatParameters(depth);
        var activation = DksActivation.Get("leaky_relu");
        return () => new TransformedActivation(activation, parameters);
    }

    private static Linear Dense(NetworkKind kind, int fanIn, int fanOut, Generator rng)
    {
        var layer = new Linear(fanIn, fanOut, rng);
        if (kind == NetworkKind.TatDeep) ScaledUniformOrthogonal.Initialize(layer, rng);
        else
        {
            layer.Weight.SetData(Init.HeNormal([fanIn, fanOut], fanIn, rng));
            layer.Bias!.SetData(NDArray.Zeros([fanOut]));
        }
        return layer;
    }
}
