# https://github.com/kyleaoman/martini/pull/99
# Race: the spectral model object is shared by ThreadPool workers, and each chunk stores its
# particles' extra data in `self.spectral_function_extra_data` before evaluating the spectra, so a
# worker can evaluate its chunk with another chunk's data. Reduced from martini/spectral_models.py.
import threading
from multiprocessing.pool import ThreadPool


class _BaseSpectrum:
    def __init__(self, ncpu=None):
        self.ncpu = ncpu if ncpu is not None else 1
        self.spectral_function_extra_data = None
        self.spectra = None

    def spectral_function(self, a, b, vmids):
        raise NotImplementedError

    def init_spectral_function_extra_data(self, source, datacube, mask=slice(None)):
        """Initialize extra data needed by spectral function. Default is no extra data."""
        self.spectral_function_extra_data = {  # expect: FT007
            k: v[mask] for k, v in source.items()
        }

    def spectra_calc(self, source, datacube, mask=slice(None)):
        """The main portion of the calculation of the spectra, run by a parallel pool."""
        vmids = source["vmids"][mask]
        self.init_spectral_function_extra_data(source, datacube, mask=mask)
        return self.spectral_function(0.0, 1.0, vmids)

    def init_spectra(self, source, datacube):
        chunks = [slice(i, i + 10) for i in range(0, len(source["vmids"]), 10)]
        with ThreadPool(self.ncpu) as pool:
            return pool.map(lambda m: self.spectra_calc(source, datacube, mask=m), chunks)


class GaussianSpectrum(_BaseSpectrum):
    def spectral_function(self, a, b, vmids):
        sigma = self.spectral_function_extra_data["sigma"]
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
