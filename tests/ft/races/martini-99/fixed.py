# https://github.com/kyleaoman/martini/pull/99
# Fixed: the extra data is returned and passed down as an argument (get_spectral_function_extra_data
# and spectral_function(..., extra_data=...)), so workers no longer write to the shared object.
# Reduced from martini/spectral_models.py after PR 99.
import threading
from multiprocessing.pool import ThreadPool


class _BaseSpectrum:
    def __init__(self, ncpu=None):
        self.ncpu = ncpu if ncpu is not None else 1
        self.spectra = None

    def spectral_function(self, a, b, vmids, extra_data=None):
        raise NotImplementedError

    def get_spectral_function_extra_data(self, source, datacube, mask=slice(None), extra_data=None):
        """Return the extra data needed by spectral function. Default is no extra data."""
        return {k: v[mask] for k, v in source.items()}

    def spectra_calc(self, source, datacube, mask=slice(None)):
        """The main portion of the calculation of the spectra, run by a parallel pool."""
        vmids = source["vmids"][mask]
        extra_data = self.get_spectral_function_extra_data(source, datacube, mask=mask)  # ok: FT007
        return self.spectral_function(0.0, 1.0, vmids, extra_data=extra_data)

    def init_spectra(self, source, datacube):
        chunks = [slice(i, i + 10) for i in range(0, len(source["vmids"]), 10)]
        with ThreadPool(self.ncpu) as pool:
            return pool.map(lambda m: self.spectra_calc(source, datacube, mask=m), chunks)


class GaussianSpectrum(_BaseSpectrum):
    def spectral_function(self, a, b, vmids, extra_data=None):
        sigma = extra_data["sigma"]
        # each particle's sigma must belong to the same particle as its vmid
        return [v - s for v, s in zip(vmids, sigma)]


SOURCE = {"vmids": list(range(400)), "sigma": list(range(400))}


def stress():
    """One attempt; returns the number of particles evaluated with another chunk's data."""
    spectrum = GaussianSpectrum(ncpu=4)
    results = spectrum.init_spectra(SOURCE, datacube=None)
    return sum(1 for chunk in results for x in chunk if x != 0)


def main():
    GaussianSpectrum(ncpu=4).init_spectra(SOURCE, datacube=None)


if __name__ == "__main__":
    main()
