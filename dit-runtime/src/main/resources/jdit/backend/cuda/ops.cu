// jdit's element-wise, normalisation, reduction and layout kernels for the CUDA backend, compiled at first use by
// NVRTC. F32 storage and compute; statistics and sums accumulate in double as the CPU backend's contract says.
// Strided operands come as a Desc already broadcast to the output's shape (stride 0 on broadcast axes).

#define MAX_RANK 6
#define NEG_INF __int_as_float(0xff800000)
#define POS_INF __int_as_float(0x7f800000)

struct Desc {
    int rank;
    long long shape[MAX_RANK];
    long long stride[MAX_RANK];
    long long offset;
};

// Element offset of flat index i (row-major over d.shape) in d's memory.
__device__ __forceinline__ long long at(const Desc& d, long long i) {
    long long off = d.offset;
    for (int a = d.rank - 1; a >= 0; a--) {
        long long s = d.shape[a];
        off += (i % s) * d.stride[a];
        i /= s;
    }
    return off;
}

// The unary ops, numbered as jdit.backend.UnaryOp's constants.
__device__ __forceinline__ float unary_op(int op, float x) {
    switch (op) {
        case 0: return x;
        case 1: {
            float u = 0.7978845608028654f * (x + 0.044715f * x * x * x);
            return 0.5f * x * (1.0f + tanhf(u));
        }
        case 2: return (float) (0.5 * (double) x * (1.0 + erf((double) x * 0.7071067811865476)));
        case 3: return x / (1.0f + expf(-x));
        case 4: return x > 0.0f ? x : 0.0f;
        case 5: return 1.0f / (1.0f + expf(-x));
        case 6: return tanhf(x);
        case 7: return expf(x);
        default: return __int_as_float(0x7fc00000);
    }
}

// The binary ops, numbered as jdit.backend.BinaryOp's constants.
__device__ __forceinline__ float binary_op(int op, float a, float b) {
    switch (op) {
        case 0: return a + b;
        case 1: return a - b;
        case 2: return a * b;
        case 3: return a / b;
        case 4: return fmaxf(a, b);
        case 5: return fminf(a, b);
        default: return __int_as_float(0x7fc00000);
    }
}

#define GRID_STRIDE(i, n) for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < (n); \
                               i += (long long) gridDim.x * blockDim.x)

extern "C" __global__ void copy_f32(const float* src, Desc s, float* dst, Desc d, long long n) {
    GRID_STRIDE(i, n) { dst[at(d, i)] = src[at(s, i)]; }
}

// Storage conversions, so that weights and activations may be kept in half precision.
extern "C" __global__ void f32_to_bf16(const float* src, Desc s, unsigned short* dst, Desc d, long long n) {
    GRID_STRIDE(i, n) {
        unsigned int u = __float_as_uint(src[at(s, i)]);
        unsigned short r;
        if ((u & 0x7f800000u) == 0x7f800000u && (u & 0x007fffffu) != 0) {
            r = (unsigned short) ((u >> 16) | 0x40);  // NaN stays NaN
        } else {
            r = (unsigned short) ((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);  // round to nearest even
        }
        dst[at(d, i)] = r;
    }
}

extern "C" __global__ void bf16_to_f32(const unsigned short* src, Desc s, float* dst, Desc d, long long n) {
    GRID_STRIDE(i, n) { dst[at(d, i)] = __uint_as_float(((unsigned int) src[at(s, i)]) << 16); }
}

extern "C" __global__ void f32_to_f16(const float* src, Desc s, unsigned short* dst, Desc d, long long n) {
    GRID_STRIDE(i, n) {
        unsigned short h;
        asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(src[at(s, i)]));  // no headers needed under NVRTC
        dst[at(d, i)] = h;
    }
}

extern "C" __global__ void f16_to_f32(const unsigned short* src, Desc s, float* dst, Desc d, long long n) {
    GRID_STRIDE(i, n) {
        float f;
        asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(src[at(s, i)]));
        dst[at(d, i)] = f;
    }
}

// Token rows by an index (a sparse method's token order and its inverse): src, dst contiguous [batch, *, width].
extern "C" __global__ void gather_rows_f32(const float* src, const int* index, float* dst, long long srcRows,
                                           long long rows, long long width, long long n) {
    GRID_STRIDE(i, n) {
        long long c = i % width;
        long long r = (i / width) % rows;
        long long b = i / (width * rows);
        dst[i] = src[(b * srcRows + index[r]) * width + c];
    }
}

extern "C" __global__ void scatter_rows_f32(const float* src, const int* index, float* dst, long long dstRows,
                                            long long rows, long long width, long long n) {
    GRID_STRIDE(i, n) {
        long long c = i % width;
        long long r = (i / width) % rows;
        long long b = i / (width * rows);
        dst[(b * dstRows + index[r]) * width + c] = src[i];
    }
}

// Pooling bins of token rows: dst[b, o, c] = mean of src[b, rows[k], c] over k in [offsets[o], offsets[o + 1]), in double.
extern "C" __global__ void mean_rows_f32(const float* src, const int* offsets, const int* rows, float* dst,
                                         long long srcRows, long long bins, long long width, long long n) {
    GRID_STRIDE(i, n) {
        long long c = i % width;
        long long o = (i / width) % bins;
        long long b = i / (width * bins);
        int from = offsets[o];
        int to = offsets[o + 1];
        double sum = 0.0;
        for (int k = from; k < to; k++) {
            sum += (double) src[(b * srcRows + rows[k]) * width + c];
        }
        dst[i] = (float) (sum / (double) (to - from));
    }
}

extern "C" __global__ void fill_f32(float* dst, Desc d, float value, long long n) {
    GRID_STRIDE(i, n) { dst[at(d, i)] = value; }
}

extern "C" __global__ void unary_f32(int op, const float* x, Desc xd, float* out, Desc od, long long n) {
    GRID_STRIDE(i, n) { out[at(od, i)] = unary_op(op, x[at(xd, i)]); }
}

extern "C" __global__ void binary_f32(int op, const float* a, Desc ad, const float* b, Desc bd, float* out, Desc od,
                                      long long n) {
    GRID_STRIDE(i, n) { out[at(od, i)] = binary_op(op, a[at(ad, i)], b[at(bd, i)]); }
}

extern "C" __global__ void scale_add_f32(const float* a, Desc ad, float alpha, const float* b, Desc bd, float beta,
                                         float* out, Desc od, long long n) {
    GRID_STRIDE(i, n) { out[at(od, i)] = alpha * a[at(ad, i)] + beta * b[at(bd, i)]; }
}

// adaLN: out = x * (1 + scale) + shift.
extern "C" __global__ void modulate_f32(const float* x, Desc xd, const float* shift, Desc sd, const float* scale,
                                        Desc cd, float* out, Desc od, long long n) {
    GRID_STRIDE(i, n) { out[at(od, i)] = x[at(xd, i)] * (1.0f + scale[at(cd, i)]) + shift[at(sd, i)]; }
}

// adaLN-Zero's gated residual: out = x + gate * y.
extern "C" __global__ void gated_add_f32(const float* x, Desc xd, const float* y, Desc yd, const float* gate, Desc gd,
                                         float* out, Desc od, long long n) {
    GRID_STRIDE(i, n) { out[at(od, i)] = x[at(xd, i)] + gate[at(gd, i)] * y[at(yd, i)]; }
}

// The gemm epilogue after cuBLAS's alpha * a.b: out = act(prod + bias) + residual (bias [N], residual [M, N]).
extern "C" __global__ void gemm_epilogue_f32(const float* prod, const float* bias, int act, const float* residual,
                                             float* out, long long m, long long n) {
    GRID_STRIDE(i, m * n) {
        float v = prod[i];
        if (bias != nullptr) v += bias[i % n];
        v = unary_op(act, v);
        if (residual != nullptr) v += residual[i];
        out[i] = v;
    }
}

// Block-wide sum of doubles; every thread gets the result. blockDim.x is a multiple of 32, at most 1024.
__device__ double block_sum(double v, double* shared) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    __syncthreads();
    if (lane == 0) shared[warp] = v;
    __syncthreads();
    double total = 0;
    int warps = blockDim.x >> 5;
    for (int w = 0; w < warps; w++) total += shared[w];
    return total;
}

__device__ float block_max(float v, float* shared) {
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_down_sync(0xffffffffu, v, o));
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    __syncthreads();
    if (lane == 0) shared[warp] = v;
    __syncthreads();
    float m = NEG_INF;
    int warps = blockDim.x >> 5;
    for (int w = 0; w < warps; w++) m = fmaxf(m, shared[w]);
    return m;
}

// One block per row of n contiguous values. weight, bias may be null.
extern "C" __global__ void layer_norm_f32(const float* x, const float* weight, const float* bias, float eps, float* out,
                                          long long rows, int n) {
    __shared__ double red[32];
    for (long long r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* xr = x + r * n;
        double s = 0;
        for (int i = threadIdx.x; i < n; i += blockDim.x) s += xr[i];
        double mean = block_sum(s, red) / n;
        double q = 0;
        for (int i = threadIdx.x; i < n; i += blockDim.x) {
            double c = xr[i] - mean;
            q += c * c;
        }
        double inv = 1.0 / sqrt(block_sum(q, red) / n + (double) eps);
        for (int i = threadIdx.x; i < n; i += blockDim.x) {
            float v = (float) ((xr[i] - mean) * inv);
            if (weight != nullptr) v *= weight[i];
            if (bias != nullptr) v += bias[i];
            out[r * n + i] = v;
        }
        __syncthreads();
    }
}

extern "C" __global__ void rms_norm_f32(const float* x, const float* weight, float eps, float* out, long long rows, int n) {
    __shared__ double red[32];
    for (long long r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* xr = x + r * n;
        double q = 0;
        for (int i = threadIdx.x; i < n; i += blockDim.x) q += (double) xr[i] * xr[i];
        double inv = 1.0 / sqrt(block_sum(q, red) / n + (double) eps);
        for (int i = threadIdx.x; i < n; i += blockDim.x) {
            float v = (float) (xr[i] * inv);
            if (weight != nullptr) v *= weight[i];
            out[r * n + i] = v;
        }
        __syncthreads();
    }
}

// x [N, C, spatial] contiguous; one block per (n, group).
extern "C" __global__ void group_norm_f32(const float* x, const float* weight, const float* bias, float eps, float* out,
                                          int batch, int channels, long long spatial, int groups) {
    __shared__ double red[32];
    int per = channels / groups;
    for (long long bg = blockIdx.x; bg < (long long) batch * groups; bg += gridDim.x) {
        int g = (int) (bg % groups);
        long long base = bg * per * spatial;  // (n * C + g * per) * spatial
        long long count = per * spatial;
        double s = 0;
        for (long long i = threadIdx.x; i < count; i += blockDim.x) s += x[base + i];
        double mean = block_sum(s, red) / count;
        double q = 0;
        for (long long i = threadIdx.x; i < count; i += blockDim.x) {
            double c = x[base + i] - mean;
            q += c * c;
        }
        double inv = 1.0 / sqrt(block_sum(q, red) / count + (double) eps);
        for (long long i = threadIdx.x; i < count; i += blockDim.x) {
            int c = g * per + (int) (i / spatial);
            float v = (float) ((x[base + i] - mean) * inv);
            if (weight != nullptr) v *= weight[c];
            if (bias != nullptr) v += bias[c];
            out[base + i] = v;
        }
        __syncthreads();
    }
}

// Softmax of scale * x over rows of n contiguous values; one block per row.
extern "C" __global__ void softmax_f32(const float* x, float scale, float* out, long long rows, int n) {
    __shared__ double red[32];
    __shared__ float redf[32];
    for (long long r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* xr = x + r * n;
        float m = NEG_INF;
        for (int i = threadIdx.x; i < n; i += blockDim.x) m = fmaxf(m, scale * xr[i]);
        m = block_max(m, redf);
        double s = 0;
        for (int i = threadIdx.x; i < n; i += blockDim.x) s += expf(scale * xr[i] - m);
        double inv = 1.0 / block_sum(s, red);
        for (int i = threadIdx.x; i < n; i += blockDim.x) out[r * n + i] = (float) (expf(scale * xr[i] - m) * inv);
        __syncthreads();
    }
}

// Rotary embedding on x [outer, S, H, D] contiguous with cos, sin [S, D/2]; style 0 interleaved pairs (2j, 2j+1),
// 1 half pairs (j, j + D/2). One thread per pair.
extern "C" __global__ void rope_f32(const float* x, const float* cosv, const float* sinv, int style, float* out,
                                    long long outer, int seq, int heads, int dim) {
    int half = dim / 2;
    long long pairs = outer * seq * heads * half;
    GRID_STRIDE(p, pairs) {
        int j = (int) (p % half);
        long long row = p / half;  // (o, s, h)
        int s = (int) ((row / heads) % seq);
        long long base = row * dim;
        int i0 = style == 0 ? 2 * j : j;
        int i1 = style == 0 ? 2 * j + 1 : j + half;
        float c = cosv[(long long) s * half + j], n = sinv[(long long) s * half + j];
        float a = x[base + i0], b = x[base + i1];
        out[base + i0] = a * c - b * n;
        out[base + i1] = a * n + b * c;
    }
}

// Reduction of x [outer, len, inner] contiguous along the middle axis; op numbered as jdit.backend.ReduceOp.
extern "C" __global__ void reduce_f32(int op, const float* x, float* out, long long outer, long long len, long long inner) {
    GRID_STRIDE(i, outer * inner) {
        long long o = i / inner, in = i % inner;
        const float* p = x + o * len * inner + in;
        if (op <= 1) {
            double s = 0;
            for (long long j = 0; j < len; j++) s += p[j * inner];
            out[i] = (float) (op == 1 ? s / len : s);
        } else {
            float m = p[0];
            for (long long j = 1; j < len; j++) m = op == 2 ? fmaxf(m, p[j * inner]) : fminf(m, p[j * inner]);
            out[i] = m;
        }
    }
}

// im2col for a chunk of output positions of a (grouped, dilated) 3-D convolution (2-D is kt = 1): column block
// cols[(c * kt * kh * kw + tap), pos - p0] for pos in [p0, p0 + count) of one image n and group g.
extern "C" __global__ void im2col3d_f32(const float* x, float* cols, int channels, int t, int h, int w, int kt, int kh,
                                        int kw, int st, int sh, int sw, int padFront, int padH, int padW, int dt, int dh,
                                        int dw, int to, int ho, int wo, int groupChannels, int g, int n, long long p0,
                                        long long count) {
    long long taps = (long long) kt * kh * kw;
    long long total = groupChannels * taps * count;
    GRID_STRIDE(i, total) {
        long long pos = p0 + i % count;
        long long row = i / count;
        int c = (int) (row / taps) + g * groupChannels;
        int tap = (int) (row % taps);
        int ox = (int) (pos % wo), oy = (int) ((pos / wo) % ho), ot = (int) (pos / ((long long) wo * ho));
        int ix = ox * sw - padW + (tap % kw) * dw;
        int iy = oy * sh - padH + ((tap / kw) % kh) * dh;
        int it = ot * st - padFront + (tap / (kw * kh)) * dt;
        float v = 0.0f;
        if (it >= 0 && it < t && iy >= 0 && iy < h && ix >= 0 && ix < w) {
            v = x[((((long long) n * channels + c) * t + it) * h + iy) * w + ix];
        }
        cols[i] = v;
    }
}

// out[n, o, pos] = conv[o, pos] (+ bias[o]) for a chunk of positions of group g.
extern "C" __global__ void conv_scatter_f32(const float* prod, const float* bias, float* out, int outChannels,
                                            int groupOut, int g, int n, long long positions, long long p0,
                                            long long count) {
    GRID_STRIDE(i, (long long) groupOut * count) {
        int o = (int) (i / count) + g * groupOut;
        long long pos = p0 + i % count;
        float v = prod[i];
        if (bias != nullptr) v += bias[o];
        out[((long long) n * outChannels + o) * positions + pos] = v;
    }
}
