// The "shortest-path language" of specs/irl-rl.md F A-3: a prompt names a start and a goal cell on a
// Size x Size grid, a response is a sequence of moves U/D/L/R then EOS, and the expert draws a uniformly
// random shortest path (there are C(|dx|+|dy|, |dx|) of them), so many correct answers exist. The task
// metric for reward correlation is −(Manhattan distance from the final position to the goal) −
// (extra steps). Deviation from the spec: cells are written as coordinates, prompt = [BOS, x_s, y_s, x_g,
// y_g] with digit tokens 0..Size-1 shared by both axes, instead of one token per cell (P0..P15); with one
// token per cell our small Griffin memorised the 120 training pairs without generalising to held-out pairs
// in the CPU budget. Tokens: digits 0..Size-1, moves, EOS, BOS, PAD.
using Engine.Tensors;

namespace Engine.Training.Irl.Reproduce;

public sealed class ShortestPathLanguage(int size = 4)
{
    public int Size { get; } = size;
    public int Cells => Size * Size;
    public int Up => Size;
    public int Down => Size + 1;
    public int Left => Size + 2;
    public int Right => Size + 3;
    public int Eos => Size + 4;
    public int Bos => Size + 5;
    public int Pad => Size + 6;
    public int Vocab => Size + 7;

    /// <summary>The longest shortest path plus EOS.</summary>
    public int MaxResponse => 2 * (Size - 1) + 1;

    public int[] Prompt(int start, int goal) => [Bos, start % Size, start / Size, goal % Size, goal / Size];

    /// <summary>The start and goal cells a prompt names.</summary>
    public (int Start, int Goal) Endpoints(IReadOnlyList<int> prompt) => (prompt[2] * Size + prompt[1], prompt[4] * Size + prompt[3]);

    /// <summary>All ordered (start, goal) pairs with start ≠ goal.</summary>
    public IEnumerable<(int Start, int Goal)> Pairs() =>
        from s in Enumerable.Range(0, Cells) from g in Enumerable.Range(0, Cells) where s != g select (s, g);

    public int Distance(int a, int b) => Math.Abs(a / Size - b / Size) + Math.Abs(a % Size - b % Size);

    /// <summary>The number of shortest paths from start to goal: C(|dx| + |dy|, |dx|).</summary>
    public long PathCount(int start, int goal)
    {
        int dx = Math.Abs(start % Size - goal % Size), dy = Math.Abs(start / Size - goal / Size);
        long c = 1;
        for (int i = 1; i <= dx; i++) c = c * (dy + i) / i;
        return c;
    }

    /// <summary>A uniformly random shortest path: at each step move towards the goal along x with
    /// probability (remaining x)/(remaining x + remaining y), which samples the paths uniformly.</summary>
    public PromptResponse ExpertDemonstration(int start, int goal, IntegerDraws rng)
    {
        int x = start % Size, y = start / Size, gx = goal % Size, gy = goal / Size;
        var moves = new List<int>();
        while (x != gx || y != gy)
        {
            int rx = Math.Abs(gx - x), ry = Math.Abs(gy - y);
            if (rng.Next(rx + ry) < rx) { moves.Add(gx > x ? Right : Left); x += Math.Sign(gx - x); }
            else { moves.Add(gy > y ? Down : Up); y += Math.Sign(gy - y); }
        }
        moves.Add(Eos);
        return new PromptResponse(Prompt(start, goal), [.. moves], EndsWithEos: true);
    }

    /// <summary>Where the moves lead (moves off the grid leave the position unchanged), the number of
    /// moves, and whether every token was a move followed by a final EOS.</summary>
    public (int Final, int Moves, bool WellFormed) Walk(int start, IReadOnlyList<int> response)
    {
        int x = start % Size, y = start / Size, moves = 0;
        bool wellFormed = response.Count > 0 && response[^1] == Eos;
        for (int i = 0; i < response.Count; i++)
        {
            int t = response[i];
            if (t == Eos) { wellFormed &= i == response.Count - 1; break; }
            if (t < Up || t > Right) { wellFormed = false; continue; }
            moves++;
            if (t == Up) y = Math.Max(0, y - 1);
            else if (t == Down) y = Math.Min(Size - 1, y + 1);
            else if (t == Left) x = Math.Max(0, x - 1);
            else x = Math.Min(Size - 1, x + 1);
        }
        return (y * Size + x, moves, wellFormed);
    }

    /// <summary>Valid: well formed, ends at the goal, and uses exactly the shortest number of moves.</summary>
    public bool IsValid(IReadOnlyList<int> prompt, IReadOnlyList<int> response)
    {
        var (start, goal) = Endpoints(prompt);
        var (final, moves, wellFormed) = Walk(start, response);
        return wellFormed && final == goal && moves == Distance(start, goal);
    }

    /// <summary>−(distance from the final position to the goal) − (moves beyond the shortest path).</summary>
    public double TaskScore(IReadOnlyList<int> prompt, IReadOnlyList<int> response)
    {
        var (start, goal) = Endpoints(prompt);
        var (final, moves, _) = Walk(start, response);
        return -Distance(final, goal) - Math.Max(0, moves - Distance(start, goal));
    }

    /// <summary>A random walk of 1..MaxResponse−1 moves then EOS: the format without the task, for pretraining.</summary>
    public PromptResponse RandomWalk(int start, int goal, IntegerDraws rng)
    {
        int length = 1 + rng.Next(MaxResponse - 1);
        var moves = Enumerable.Range(0, length).Select(_ => Up + rng.Next(4)).Append(Eos).ToArray();
        return new PromptResponse(Prompt(start, goal), moves, EndsWithEos: true);
    }
}
