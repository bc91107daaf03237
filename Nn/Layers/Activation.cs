// An activation function as a parameter-free layer, so it can sit in a Sequential:
// new Activation(Activations.Relu) or Activation.Named("gelu_tanh").
using Engine.Autograd;
using Engine.Nn.Functional;
using Engine.Tensors;

namespace Engine.Nn;

public sealed class Activation(Func<Tensor, Tensor> function) : Layer
{
    public override Tensor Forward(Tensor input) => function(input);

    /// <summary>The activation with PyTorch's name (relu, leaky_relu, gelu, gelu_tanh, silu, tanh,
    /// sigmoid, softplus, elu, selu), with default parameters.</summary>
    public static Activation Named(string name) => new(name switch
    {
        "relu" => Activations.Relu,
        "leaky_relu" => x => Activations.LeakyRelu(x),
        "gelu" => Activations.Gelu,
        "gelu_tanh" => Activations.GeluTanh,
        "silu" => Activations.Silu,
        "tanh" => Activations.Tanh,
        "sigmoid" => Activations.Sigmoid,
        "softplus" => Activations.Softplus,
        "elu" => x => Activations.Elu(x),
        "selu" => Activations.Selu,
        _ => throw new EngineException($"Activation: unknown activation '{name}'"),
    });
}
