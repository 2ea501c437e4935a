// The block-sparse flash-attention kernel of attention.cu on the tensor cores: the same plans, visit order, online
// softmax, log-sum-exp and LiteAttention verdicts, with Q, K, V and the probabilities rounded to BF16 for the two
// products (mma.sync m16n8k16, FP32 accumulation; inline PTX, so NVRTC needs no CUDA headers). Scores, the softmax
// state and the output accumulator stay FP32. The head dimension is zero-padded to a multiple of 16 in shared memory
// (DiT's 72 becomes 80); ragged rows and key chunks are zero-padded and their scores set to -inf. Needs sm_80+.

#define NEG_INF __int_as_float(0xff800000)
#define LOG2E 1.4426950408889634

struct Operand {
    long long sb, st, sh;
};

struct Plan {
    const int* rowStart;
    const int* cols;
    const int* maskIndex;
    const unsigned* masks;
    const int* orders;
    const int* orderData;
    unsigned* decisions;
    int bq, bk, qTiles, kTiles;
    double thresholdLog2;
};

__device__ __forceinline__ int token(const int* order, int pos) {
    return order == nullptr ? pos : order[pos];
}

// Round to nearest even, as the CPU's BF16 conversion.
__device__ __forceinline__ unsigned short bf16(float x) {
    unsigned short r;
    asm("cvt.rn.bf16.f32 %0, %1;" : "=h"(r) : "f"(x));
    return r;
}

__device__ __forceinline__ unsigned pack(unsigned short lo, unsigned short hi) {
    return (unsigned) lo | ((unsigned) hi << 16);
}

// c (16x8 f32) += a (16x16 bf16, row-major) . b (16x8 bf16, column-major).
__device__ __forceinline__ void mma16816(float* c, const unsigned* a, const unsigned* b) {
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
                 "{%0, %1, %2, %3};"
                 : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}

// The A fragment at (row0, k0) of a row-major bf16 matrix with leading dimension ld (even).
__device__ __forceinline__ void loadA(unsigned* a, const unsigned short* x, int ld, int row0, int k0, int lane) {
    int g = lane >> 2, t = lane & 3;
    a[0] = *reinterpret_cast<const unsigned*>(x + (row0 + g) * ld + k0 + 2 * t);
    a[1] = *reinterpret_cast<const unsigned*>(x + (row0 + g + 8) * ld + k0 + 2 * t);
    a[2] = *reinterpret_cast<const unsigned*>(x + (row0 + g) * ld + k0 + 2 * t + 8);
    a[3] = *reinterpret_cast<const unsigned*>(x + (row0 + g + 8) * ld + k0 + 2 * t + 8);
}

// rowsPerCta and kc are multiples of 16; dp is d rounded up to 16. Shared memory: Qh [R][dp] and KVh [kc][dp] and
// Ph [R][kc] bf16, then S [R][bk], Os [R][dp] and 4 x [R] f32.
extern "C" __global__ void __launch_bounds__(256) block_sparse_attention_bf16(
        const float* q, Operand qo, const float* k, Operand ko, const float* v, Operand vo, float* out, Operand oo,
        float* lse, int tq, int tk, int heads, int d, float scale, Plan plan, int rowsPerCta, int kc) {
    extern __shared__ __align__(16) unsigned char raw[];
    const int R = rowsPerCta, dp = (d + 15) & ~15, bk = plan.bk;
    unsigned short* Qh = reinterpret_cast<unsigned short*>(raw);
    unsigned short* KVh = Qh + R * dp;
    unsigned short* Ph = KVh + kc * dp;
    float* S = reinterpret_cast<float*>(Ph + R * kc);
    float* Os = S + R * bk;
    float* m = Os + R * dp;
    float* l = m + R;
    float* alpha = l + R;
    float* tmax = alpha + R;

    const int chunks = (plan.bq + R - 1) / R;
    const int qt = blockIdx.x / chunks, chunk = blockIdx.x % chunks;
    const int h = blockIdx.y, b = blockIdx.z;
    const int tileRows = min(plan.bq, tq - qt * plan.bq);
    if (chunk * R >= tileRows) return;
    const int rows = min(R, tileRows - chunk * R);
    const int r0 = qt * plan.bq + chunk * R;
    const bool ragged = tileRows < plan.bq;
    const int orderAt = plan.orders[b * heads + h];
    const int* order = orderAt < 0 ? nullptr : plan.orderData + orderAt;
    const int tid = threadIdx.x, nt = blockDim.x, warp = tid >> 5, lane = tid & 31, warps = nt >> 5;
    const int g = lane >> 2, t4 = lane & 3;

    for (int i = tid; i < R * dp; i += nt) {
        int r = i / dp, c = i % dp;
        float x = (r < rows && c < d) ? q[b * qo.sb + (long long) token(order, r0 + r) * qo.st + h * qo.sh + c] : 0.0f;
        Qh[i] = bf16(x);
        Os[i] = 0.0f;
    }
    for (int r = tid; r < R; r += nt) {
        m[r] = NEG_INF;
        l[r] = 0.0f;
    }
    __syncthreads();

    const int rs = plan.rowStart[h * (plan.qTiles + 1) + qt], re = plan.rowStart[h * (plan.qTiles + 1) + qt + 1];
    const bool descending = plan.decisions != nullptr;
    const int maskWords = (plan.bq * bk + 31) / 32;
    const int rowFrags = R / 16;
    for (int visit = 0; visit < re - rs; visit++) {
        const int a = descending ? re - 1 - visit : rs + visit;
        const int kt = plan.cols[a];
        const int c0 = kt * bk;
        const int ncols = min(bk, tk - c0);
        const int mi = plan.maskIndex[a];

        // S = scale * Q K^T over the tile, a key chunk at a time; 16x8 output fragments spread over the warps
        for (int j0 = 0; j0 < ncols; j0 += kc) {
            const int cnt = min(kc, ncols - j0);
            for (int i = tid; i < kc * dp; i += nt) {
                int j = i / dp, c = i % dp;
                float x = (j < cnt && c < d) ? k[b * ko.sb + (long long) token(order, c0 + j0 + j) * ko.st + h * ko.sh + c] : 0.0f;
                KVh[i] = bf16(x);
            }
            __syncthreads();
            const int colFrags = kc / 8;
            for (int f = warp; f < rowFrags * colFrags; f += warps) {
                const int fr = f / colFrags, fc = f % colFrags;
                float acc[4] = {0.0f, 0.0f, 0.0f, 0.0f};
                for (int c = 0; c < dp; c += 16) {
                    unsigned fa[4], fb[2];
                    loadA(fa, Qh, dp, fr * 16, c, lane);
                    // B (k x n) = K^T: column n is key fc * 8 + g, consecutive k are consecutive in KVh's row
                    fb[0] = *reinterpret_cast<const unsigned*>(KVh + (fc * 8 + g) * dp + c + 2 * t4);
                    fb[1] = *reinterpret_cast<const unsigned*>(KVh + (fc * 8 + g) * dp + c + 2 * t4 + 8);
                    mma16816(acc, fa, fb);
                }
                for (int e = 0; e < 4; e++) {
                    int r = fr * 16 + g + (e >= 2 ? 8 : 0);
                    int j = fc * 8 + 2 * t4 + (e & 1);
                    if (j < cnt) {
                        float s = r < rows ? acc[e] * scale : NEG_INF;
                        if (mi >= 0 && r < rows) {
                            int bit = (chunk * R + r) * bk + j0 + j;
                            if (((plan.masks[(long long) mi * maskWords + (bit >> 5)] >> (bit & 31)) & 1u) == 0u) s = NEG_INF;
                        }
                        S[r * bk + j0 + j] = s;
                    }
                }
            }
            __syncthreads();
        }

        for (int r = warp; r < R; r += warps) {
            float x = NEG_INF;
            for (int j = lane; j < ncols; j += 32) x = fmaxf(x, S[r * bk + j]);
            for (int o = 16; o > 0; o >>= 1) x = fmaxf(x, __shfl_xor_sync(0xffffffffu, x, o));
            if (lane == 0) tmax[r] = x;
        }
        __syncthreads();

        if (plan.decisions != nullptr && visit > 0) {
            bool negligible = true;
            if (tid < rows) negligible = !(((double) tmax[tid] - (double) m[tid]) * LOG2E > plan.thresholdLog2);
            int all = __syncthreads_and(negligible ? 1 : 0);
            if (tid == 0) {
                long long idx = (((long long) b * heads + h) * plan.qTiles + qt) * plan.kTiles + kt;
                atomicOr(plan.decisions + idx, (all && !ragged) ? 1u : 3u);
            }
        }

        for (int r = tid; r < R; r += nt) {
            float mNew = fmaxf(m[r], tmax[r]);
            if (r >= rows || mNew == NEG_INF) {
                alpha[r] = 1.0f;
            } else {
                alpha[r] = m[r] == NEG_INF ? 0.0f : expf(m[r] - mNew);
                m[r] = mNew;
            }
        }
        __syncthreads();
        for (int r = warp; r < R; r += warps) {
            float mr = m[r];
            float sum = 0.0f;
            for (int j = lane; j < ncols; j += 32) {
                float p = (r >= rows || mr == NEG_INF) ? 0.0f : expf(S[r * bk + j] - mr);
                S[r * bk + j] = p;
                sum += p;
            }
            for (int o = 16; o > 0; o >>= 1) sum += __shfl_xor_sync(0xffffffffu, sum, o);
            if (lane == 0 && r < rows) l[r] = l[r] * alpha[r] + sum;
        }
        for (int i = tid; i < R * dp; i += nt) Os[i] *= alpha[i / dp];
        __syncthreads();

        // O += P V, a key chunk at a time, P and V in BF16; each warp's 16x8 output fragments go through Os
        for (int j0 = 0; j0 < ncols; j0 += kc) {
            const int cnt = min(kc, ncols - j0);
            for (int i = tid; i < kc * dp; i += nt) {
                int j = i / dp, c = i % dp;
                float x = (j < cnt && c < d) ? v[b * vo.sb + (long long) token(order, c0 + j0 + j) * vo.st + h * vo.sh + c] : 0.0f;
                KVh[i] = bf16(x);
            }
            for (int i = tid; i < R * kc; i += nt) {
                int r = i / kc, j = i % kc;
                Ph[i] = bf16(j < cnt ? S[r * bk + j0 + j] : 0.0f);
            }
            __syncthreads();
            const int colFrags = dp / 8;
            for (int f = warp; f < rowFrags * colFrags; f += warps) {
                const int fr = f / colFrags, fc = f % colFrags;
                float* o0 = Os + (fr * 16 + g) * dp + fc * 8 + 2 * t4;
                float* o1 = o0 + 8 * dp;
                float acc[4] = {o0[0], o0[1], o1[0], o1[1]};
                for (int j = 0; j < kc; j += 16) {
                    unsigned fa[4], fb[2];
                    loadA(fa, Ph, kc, fr * 16, j, lane);
                    // B (k x n) = V: row k is key j + ..., column n is dimension fc * 8 + g; consecutive k are dp apart
                    const unsigned short* vcol = KVh + fc * 8 + g;
                    fb[0] = pack(vcol[(j + 2 * t4) * dp], vcol[(j + 2 * t4 + 1) * dp]);
                    fb[1] = pack(vcol[(j + 2 * t4 + 8) * dp], vcol[(j + 2 * t4 + 9) * dp]);
                    mma16816(acc, fa, fb);
                }
                o0[0] = acc[0];
                o0[1] = acc[1];
                o1[0] = acc[2];
                o1[1] = acc[3];
            }
            __syncthreads();
        }
    }

    for (int i = tid; i < rows * dp; i += nt) {
        int r = i / dp, c = i % dp;
        if (c < d) {
            float inv = l[r] == 0.0f ? 0.0f : 1.0f / l[r];
            out[b * oo.sb + (long long) token(order, r0 + r) * oo.st + h * oo.sh + c] = Os[i] * inv;
        }
    }
    if (lse != nullptr) {
        for (int r = tid; r < rows; r += nt) {
            lse[((long long) b * heads + h) * tq + token(order, r0 + r)] = l[r] == 0.0f ? NEG_INF : m[r] + logf(l[r]);
        }
    }
}
