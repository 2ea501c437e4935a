// Block-sparse flash attention, the CUDA twin of jdit.backend.cpu.BlockSparseKernel: the same plans (per-head CSR
// lists of active key tiles, PARTIAL tiles with an element mask, per-head token orders), the same visit order
// (ascending, or descending when LiteAttention's decisions are recorded), the same online softmax, log-sum-exp output
// and LiteAttention test. A CTA takes `rows` query rows of one query tile of one (batch, head); it keeps its Q rows,
// its output accumulator and one whole key tile of scores in shared memory, so LiteAttention's per-tile test sees
// the tile's maximum before the running state moves. F32 storage and compute.

#define NEG_INF __int_as_float(0xff800000)
#define LOG2E 1.4426950408889634

struct Operand {
    long long sb, st, sh;  // strides in elements of batch, token and head; the head dimension has unit stride
};

struct Plan {
    const int* rowStart;     // [heads * (qTiles + 1)]: a head's row r lists cols[rowStart[r] .. rowStart[r + 1])
    const int* cols;         // key tile of every active tile
    const int* maskIndex;    // -1 for a FULL tile, else which mask in `masks`
    const unsigned* masks;   // per PARTIAL tile bq * bk bits, row-major, bit set = pair allowed
    const int* orders;       // [batch * heads]: -1 (identity) or the offset of that head's order in orderData
    const int* orderData;
    unsigned* decisions;     // null, or per (b, h, qTile, kTile): bit 0 tested, bit 1 mattered
    int bq, bk, qTiles, kTiles;
    double thresholdLog2;
};

__device__ __forceinline__ int token(const int* order, int pos) {
    return order == nullptr ? pos : order[pos];
}

// Shared memory: Q [rows][d + 1], K or V chunk [kc][d + 1], S [rows][bk], O [rows][d], m, l, alpha, tile max [rows].
extern "C" __global__ void __launch_bounds__(256) block_sparse_attention_f32(
        const float* q, Operand qo, const float* k, Operand ko, const float* v, Operand vo, float* out, Operand oo,
        float* lse, int tq, int tk, int heads, int d, float scale, Plan plan, int rowsPerCta, int kc) {
    extern __shared__ float smem[];
    const int R = rowsPerCta, ld = d + 1;
    float* Qs = smem;
    float* Ks = Qs + R * ld;
    float* S = Ks + kc * ld;
    float* Os = S + R * plan.bk;
    float* m = Os + R * d;
    float* l = m + R;
    float* alpha = l + R;
    float* tmax = alpha + R;

    const int chunks = (plan.bq + R - 1) / R;
    const int qt = blockIdx.x / chunks, chunk = blockIdx.x % chunks;
    const int h = blockIdx.y, b = blockIdx.z;
    const int tileRows = min(plan.bq, tq - qt * plan.bq);
    if (chunk * R >= tileRows) return;  // the whole CTA leaves before any barrier
    const int rows = min(R, tileRows - chunk * R);
    const int r0 = qt * plan.bq + chunk * R;
    const bool ragged = tileRows < plan.bq;
    const int orderAt = plan.orders[b * heads + h];
    const int* order = orderAt < 0 ? nullptr : plan.orderData + orderAt;
    const int tid = threadIdx.x, nt = blockDim.x, warp = tid >> 5, lane = tid & 31, warps = nt >> 5;

    for (int i = tid; i < R * d; i += nt) {
        int r = i / d, c = i % d;
        Qs[r * ld + c] = r < rows ? q[b * qo.sb + (long long) token(order, r0 + r) * qo.st + h * qo.sh + c] : 0.0f;
        Os[i] = 0.0f;
    }
    for (int r = tid; r < R; r += nt) {
        m[r] = NEG_INF;
        l[r] = 0.0f;
    }
    __syncthreads();

    const int rs = plan.rowStart[h * (plan.qTiles + 1) + qt], re = plan.rowStart[h * (plan.qTiles + 1) + qt + 1];
    const bool descending = plan.decisions != nullptr;
    const int maskWords = (plan.bq * plan.bk + 31) / 32;
    for (int visit = 0; visit < re - rs; visit++) {
        const int a = descending ? re - 1 - visit : rs + visit;
        const int kt = plan.cols[a];
        const int c0 = kt * plan.bk;
        const int ncols = min(plan.bk, tk - c0);
        const int mi = plan.maskIndex[a];

        // S = scale * Q K^T over the tile, masked pairs at -inf
        for (int j0 = 0; j0 < ncols; j0 += kc) {
            int cnt = min(kc, ncols - j0);
            for (int i = tid; i < cnt * d; i += nt) {
                int j = i / d, c = i % d;
                Ks[j * ld + c] = k[b * ko.sb + (long long) token(order, c0 + j0 + j) * ko.st + h * ko.sh + c];
            }
            __syncthreads();
            for (int i = tid; i < R * cnt; i += nt) {
                int r = i / cnt, j = i % cnt;
                float s = NEG_INF;
                if (r < rows) {
                    float acc = 0.0f;
                    const float* qr = Qs + r * ld;
                    const float* kr = Ks + j * ld;
                    for (int c = 0; c < d; c++) acc = fmaf(qr[c], kr[c], acc);
                    s = acc * scale;
                    if (mi >= 0) {
                        int bit = (chunk * R + r) * plan.bk + j0 + j;
                        if (((plan.masks[(long long) mi * maskWords + (bit >> 5)] >> (bit & 31)) & 1u) == 0u) s = NEG_INF;
                    }
                }
                S[r * plan.bk + j0 + j] = s;
            }
            __syncthreads();
        }

        // each row's maximum over the tile, one warp per row
        for (int r = warp; r < R; r += warps) {
            float x = NEG_INF;
            for (int j = lane; j < ncols; j += 32) x = fmaxf(x, S[r * plan.bk + j]);
            for (int o = 16; o > 0; o >>= 1) x = fmaxf(x, __shfl_xor_sync(0xffffffffu, x, o));
            if (lane == 0) tmax[r] = x;
        }
        __syncthreads();

        // LiteAttention: the tile is negligible iff every row's tile maximum stays thresholdLog2 below its running one
        if (plan.decisions != nullptr && visit > 0) {
            bool negligible = true;
            if (tid < rows) negligible = !(((double) tmax[tid] - (double) m[tid]) * LOG2E > plan.thresholdLog2);
            int all = __syncthreads_and(negligible ? 1 : 0);
            if (tid == 0) {
                long long idx = (((long long) b * heads + h) * plan.qTiles + qt) * plan.kTiles + kt;
                atomicOr(plan.decisions + idx, (all && !ragged) ? 1u : 3u);
            }
        }

        // online softmax: new maxima, the factors for what was accumulated, probabilities in place of scores
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
                float p = (r >= rows || mr == NEG_INF) ? 0.0f : expf(S[r * plan.bk + j] - mr);
                S[r * plan.bk + j] = p;
                sum += p;
            }
            for (int o = 16; o > 0; o >>= 1) sum += __shfl_xor_sync(0xffffffffu, sum, o);
            if (lane == 0 && r < rows) l[r] = l[r] * alpha[r] + sum;
        }
        for (int i = tid; i < R * d; i += nt) Os[i] *= alpha[i / d];
        __syncthreads();

        // O += P V
        for (int j0 = 0; j0 < ncols; j0 += kc) {
            int cnt = min(kc, ncols - j0);
            for (int i = tid; i < cnt * d; i += nt) {
                int j = i / d, c = i % d;
                Ks[j * ld + c] = v[b * vo.sb + (long long) token(order, c0 + j0 + j) * vo.st + h * vo.sh + c];
            }
            __syncthreads();
            for (int i = tid; i < R * d; i += nt) {
                int r = i / d, c = i % d;
                const float* pr = S + r * plan.bk + j0;
                float acc = Os[i];
                for (int j = 0; j < cnt; j++) acc = fmaf(pr[j], Ks[j * ld + c], acc);
                Os[i] = acc;
            }
            __syncthreads();
        }
    }

    for (int i = tid; i < rows * d; i += nt) {
        int r = i / d, c = i % d;
        float inv = l[r] == 0.0f ? 0.0f : 1.0f / l[r];
        out[b * oo.sb + (long long) token(order, r0 + r) * oo.st + h * oo.sh + c] = Os[i] * inv;
    }
    if (lse != nullptr) {
        for (int r = tid; r < rows; r += nt) {
            int tok = token(order, r0 + r);
            lse[((long long) b * heads + h) * tq + tok] = l[r] == 0.0f ? NEG_INF : m[r] + logf(l[r]);
        }
    }
}
