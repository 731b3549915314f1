#!/usr/bin/env python3
# Adversarial arrays through the CLI, checked by numpy: every value of each decompressed .npy, in its own dtype,
# against the bound it was compressed with (NaN and ±Inf in place, integers exact where the bound asks, dtype and
# shape kept), for the default mode, rel:1e-3, abs:0 and pw-rel:1e-2, and a file larger than a 16 MiB budget.
# A manual check beside the property tests (test/e2e/properties.test.ts): it runs the built CLI as a user would.
#   npm run build && python3 scripts/check-adversarial-cli.py [work folder]   (needs numpy: apt-get install python3-numpy)
import numpy as np, subprocess, os, sys, tempfile
B=['node',os.path.join(os.path.dirname(os.path.abspath(__file__)),'..','dist','cli.js')]
work=sys.argv[1] if len(sys.argv)>1 else tempfile.mkdtemp(prefix='baler-adversarial-')
os.makedirs(work,exist_ok=True)
os.chdir(work)
rng=np.random.default_rng(11)
def tol_of(a,bd):
  kind,val=bd.split(':'); val=float(val); af=a.astype(np.float64); fin=np.isfinite(af)
  if kind=='abs': return np.full(a.shape,val)
  if kind=='rel':
    # A 2-D table (src/kernel/types.ts kindOfArray: fewer than 64 columns) has a range per column.
    if a.ndim==2 and a.shape[1]<64:
      lo=np.where(fin,af,np.inf).min(0); hi=np.where(fin,af,-np.inf).max(0); r=np.where(np.isfinite(hi-lo),hi-lo,0)
      return np.broadcast_to(r*val,a.shape)
    return np.full(a.shape,(af[fin].max()-af[fin].min())*val if fin.any() else 0.0)
  return val*np.abs(af)
def check(name,a,bound,extra=[]):
  r=subprocess.run(B+['compress',f'{name}.npy','-o',f'{name}.baler','--force']+(['--error-bound',bound] if bound else [])+extra,capture_output=True,text=True)
  if r.returncode: print(name,bound,'COMPRESS',r.returncode,r.stderr.strip()[-200:]); return False
  r=subprocess.run(B+['decompress',f'{name}.baler','-o',f'{name}.out.npy','--force']+extra,capture_output=True,text=True)
  if r.returncode: print(name,bound,'DECOMPRESS',r.returncode,r.stderr.strip()[-200:]); return False
  b=np.load(f'{name}.out.npy'); ok=b.dtype==a.dtype and b.shape==a.shape
  if ok:
    if a.dtype.kind in 'iu':
      d=np.array([abs(int(x)-int(y)) for x,y in zip(a.ravel(),b.ravel())],dtype=object); fin=np.ones(a.size,bool)
    else:
      fin=np.isfinite(a).ravel()
      ok=np.array_equal(np.isnan(a),np.isnan(b)) and np.array_equal(a[np.isinf(a)],b[np.isinf(a)])
      d=np.abs(a.astype(np.float64)-b.astype(np.float64)).ravel()
    t=np.asarray(tol_of(a,bound or 'rel:1e-4')).ravel()
    viol=sum(1 for x,tt,f in zip(d,t,fin) if f and x>tt) if a.dtype.kind in 'iu' else int(np.sum(d[fin]>t[fin]))
    if a.dtype.kind in 'iu' and a.dtype.itemsize==8 and bound in (None,'abs:0'): viol+=int(np.sum(a!=b))
    ok=ok and viol==0
  print(f'{name:12s} {str(bound):12s} {"OK " if ok else "BAD"} {os.path.getsize(name+".baler")} B (npy {os.path.getsize(name+".npy")} B)')
  return ok
cases={
 'int32_counts': rng.poisson(7,(500,6)).astype(np.int32),
 'i64_2p60': (np.int64(2**60)+rng.integers(0,1000,(300,3))).astype(np.int64),
 'one_row': rng.normal(size=(1,50)),
 'intval_f64': rng.integers(0,5000,(400,5)).astype(np.float64),
 'u8_image': (128+60*np.sin(np.arange(128*128).reshape(128,128)/300)).astype(np.uint8),
 'i64_2p53': np.array([2**53+k*((-1)**k) for k in range(600)],dtype=np.int64).reshape(200,3),
 'nan_const_col': np.column_stack([rng.normal(size=300),np.full(300,np.nan),np.full(300,7.0),np.where(np.arange(300)%5==0,np.inf,rng.normal(size=300))]).astype(np.float32),
 'all_nan': np.full((50,4),np.nan,np.float32),
 'f16_frames': np.cos(np.arange(10*16*16).reshape(10,16,16)/40).astype(np.float16),
 'one_value': np.array([[3.5]]),
 'neg_inf_only': np.full(20,-np.inf),
}
bad=0
for name,a in cases.items():
  np.save(f'{name}.npy',a)
  for bound in [None,'rel:1e-3','abs:0','pw-rel:1e-2']:
    bad+= not check(name,a,bound)
# larger than the memory budget
big=(np.sin(np.arange(600)[:,None,None]/30+np.arange(128)[None,:,None]/20)*np.cos(np.arange(128)[None,None,:]/25)+0.01*rng.normal(size=(600,128,128))).astype(np.float32)
np.save('big.npy',big)
for bound in [None,'rel:1e-3']:
  bad+= not check('big',big,bound,['--memory','16M'])
# a cut or hand-edited .baler: exit 1, one line naming the file, no output
data=open('big.baler','rb').read(); n=len(data)
damaged={'cut_end': data[:n-10], 'cut_half': data[:n//2], 'byte_changed': data[:n//2]+bytes([data[n//2]^0xff])+data[n//2+1:],
         'index_changed': data[:n-20]+bytes([data[n-20]^0x01])+data[n-19:], 'junk_appended': data+b'junk'}
for name,bytes_ in damaged.items():
  open(f'{name}.baler','wb').write(bytes_)
  if os.path.exists(f'{name}.npy'): os.remove(f'{name}.npy')
  r=subprocess.run(B+['decompress',f'{name}.baler','-o',f'{name}.npy'],capture_output=True,text=True)
  lines=[l for l in r.stderr.splitlines() if l.startswith('baler:')]
  ok=r.returncode==1 and len(lines)==1 and f'{name}.baler' in lines[0] and not os.path.exists(f'{name}.npy')
  print(f'{name:14s} {"OK " if ok else "BAD"} exit {r.returncode}: {lines[0] if lines else r.stderr.strip()[-200:]}')
  bad+= not ok
print(f'{bad} bad')
sys.exit(1 if bad else 0)
