// Package weights reads tensors that other frameworks saved, so that a model
// trained elsewhere (PyTorch, typically) can run in a Gorgonia graph.
//
// # Formats
//
// Two documented, code-free formats are read:
//
//   - safetensors (ReadSafetensors, LoadSafetensors): an 8-byte little-endian
//     header length, a JSON header that gives each tensor's dtype, shape and
//     byte range, then the raw little-endian data. It holds a whole
//     state_dict. The file is validated strictly, as the reference
//     implementation does: every byte range lies in the data, matches its
//     dtype and shape, and the ranges tile the data without overlaps or holes.
//   - NumPy .npy (ReadNpy, LoadNpy): one array, as numpy.save writes it.
//
// Pickle-based files (torch.save's .pt and .pth) are not read: they can run
// arbitrary code when loaded, and their layout is an implementation detail of
// PyTorch. Save a state_dict as safetensors instead.
//
// # Dtypes
//
// F64 and F32 give float64 and float32 tensors; F16 and BF16 are widened to
// float32 exactly; I64, I32, I16, I8, U8 and BOOL give tensors of the
// matching Go type (a BatchNorm's num_batches_tracked is an I64 scalar).
// Other dtypes are reported as errors that name the tensor.
//
// # Layout
//
// Tensors keep the layout they were saved in: a PyTorch ConvTranspose2d
// weight is (C_in, C_out/groups, kH, kW), which is what
// convtranspose.ConvTranspose2d takes, and a Conv2d weight is
// (C_out, C_in/groups, kH, kW), which is what convtranspose.Conv2d takes.
package weights
