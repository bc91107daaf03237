// A DKS/TAT-transformed activation as a layer: φ̂(x) = γ (φ(α x + β) + δ) (google-deepmind/dks
// dks/base/activation_transform.py::_transform_activation and dks/pytorch/activation_transform.py).
// It is a composite of autograd primitives, so gradients (and double backward) come from autodiff.
using Engine.Autograd;
using Engine.Tensors;

namespace Engine.Nn.Dks;

public sealed class TransformedActivation : Layer
{
    public DksActivation Activation { get; }
    public TransformParameters Transform { get; }

    public TransformedActivation(DksActivation activation, TransformParameters parameters)
    {
        foreach (double value in new[] { parameters.InputScale, parameters.InputShift, parameters.OutputShift, parameters.OutputScale })
            if (!double.IsFinite(value))
                throw new EngineException($"TransformedActivation: parameters must be finite, got {parameters}");
        Activation = parameters.Resolve(activation);
        Transform = parameters;
    }

    /// <summary>The DKS-transformed activation for a network described by its subnetwork function.</summary>
    public static TransformedActivation Dks(string name, SubnetworkMaxFunction network, double zeta = DksSolver.DefaultZeta)
    {
        var activation = DksActivation.Get(name);
        return new(activation, DksSolver.Solve(activation, network, zeta));
    }

    /// <summary>The TAT-transformed activation (τ for smooth activations, η for leaky_relu).</summary>
    public static TransformedActivation Tat(string name, SubnetworkMaxFunction network,
        double tau = TatSolver.DefaultTau, double eta = TatSolver.DefaultEta)
    {
        var activation = DksActivation.Get(name);
        return new(activation, TatSolver.Solve(activation, network, tau, eta));
    }

    public override Tensor Forward(Tensor input)
    {
        var p = Transform;
        var preActivation = p.InputScale == 1 ? input : input * p.InputScale;
        if (p.InputShift != 0) preActivation += p.InputShift;
        var output = Activation.OnTensor(preActivation);
        if (p.OutputShift != 0) output += p.OutputShift;
        return p.OutputScale == 1 ? output : output * p.OutputScale;
    }
}
