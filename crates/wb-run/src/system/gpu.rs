//! NVIDIA GPUs through NVML, loaded at run time (`libnvidia-ml.so.1`, by `nvml-wrapper`, with
//! the `nvidia` feature): nothing is needed to build, and a machine without the driver has no
//! GPU keys.

#[cfg(feature = "nvidia")]
use nvml_wrapper::Nvml;
#[cfg(feature = "nvidia")]
use nvml_wrapper::enum_wrappers::device::TemperatureSensor;
use wb_core::json::Value;
use wb_proto::GpuNvidiaInfo;

/// One GPU's reading; `None` where NVML does not give the value on this device.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct GpuReading {
    /// Percent of time a kernel ran, and percent of time memory was read or written.
    pub utilization: Option<(u32, u32)>,
    /// (total, used) memory bytes.
    pub memory: Option<(u64, u64)>,
    /// Degrees Celsius.
    pub temperature: Option<u32>,
    /// Power draw in milliwatts.
    pub power_mw: Option<u32>,
    /// Enforced power limit in milliwatts.
    pub power_limit_mw: Option<u32>,
    /// Whether this process runs on the GPU (its keys are repeated as `gpu.process.<i>.*`).
    pub in_use: bool,
}

/// The stats keys of GPU `index`, named and scaled as wandb's monitor names them:
/// `gpu.<i>.gpu`, `.memory`, `.memoryAllocated` (percent), `.memoryAllocatedBytes`, `.temp`,
/// `.powerWatts`, `.enforcedPowerLimitWatts`, `.powerPercent`, each repeated under
/// `gpu.process.<i>.` when this process uses the GPU.
pub(crate) fn gpu_keys(index: u32, r: &GpuReading) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = Vec::new();
    let mut push = |name: &str, v: Value| {
        out.push((format!("gpu.{index}.{name}"), v.clone()));
        if r.in_use {
            out.push((format!("gpu.process.{index}.{name}"), v));
        }
    };
    if let Some((gpu, memory)) = r.utilization {
        push("gpu", Value::Float(f64::from(gpu)));
        push("memory", Value::Int(i128::from(memory)));
    }
    if let Some((total, used)) = r.memory
        && total > 0
    {
        push(
            "memoryAllocated",
            Value::Float(used as f64 / total as f64 * 100.0),
        );
        push("memoryAllocatedBytes", Value::Int(i128::from(used)));
    }
    if let Some(t) = r.temperature {
        push("temp", Value::Float(f64::from(t)));
    }
    if let Some(mw) = r.power_mw {
        let watts = f64::from(mw) / 1000.0;
        push("powerWatts", Value::Float(watts));
        if let Some(limit) = r.power_limit_mw
            && limit > 0
        {
            let limit = f64::from(limit) / 1000.0;
            push("enforcedPowerLimitWatts", Value::Float(limit));
            push("powerPercent", Value::Float(watts / limit * 100.0));
        }
    }
    out
}

/// The machine's NVIDIA GPUs, when NVML loads and sees at least one.
#[cfg(feature = "nvidia")]
pub(crate) struct Gpus {
    nvml: Nvml,
    count: u32,
}

#[cfg(feature = "nvidia")]
impl std::fmt::Debug for Gpus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gpus").field("count", &self.count).finish()
    }
}

#[cfg(feature = "nvidia")]
impl Gpus {
    /// Loads NVML; `None` without the driver or without a GPU.
    pub(crate) fn open() -> Option<Gpus> {
        let nvml = Nvml::init().ok()?;
        let count = nvml.device_count().ok()?;
        (count > 0).then_some(Gpus { nvml, count })
    }

    /// Every GPU's reading, by index.
    pub(crate) fn read(&self, pid: u32) -> Vec<(u32, GpuReading)> {
        (0..self.count)
            .filter_map(|i| {
                let d = self.nvml.device_by_index(i).ok()?;
                let in_use = d
                    .running_compute_processes()
                    .is_ok_and(|ps| ps.iter().any(|p| p.pid == pid))
                    || d.running_graphics_processes()
                        .is_ok_and(|ps| ps.iter().any(|p| p.pid == pid));
                let reading = GpuReading {
                    utilization: d.utilization_rates().ok().map(|u| (u.gpu, u.memory)),
                    memory: d.memory_info().ok().map(|m| (m.total, m.used)),
                    temperature: d.temperature(TemperatureSensor::Gpu).ok(),
                    power_mw: d.power_usage().ok(),
                    power_limit_mw: d.enforced_power_limit().ok(),
                    in_use,
                };
                Some((i, reading))
            })
            .collect()
    }

    /// The GPUs as the environment record describes them, and the CUDA driver version.
    pub(crate) fn info(&self) -> (Vec<GpuNvidiaInfo>, String) {
        let gpus = (0..self.count)
            .filter_map(|i| self.nvml.device_by_index(i).ok())
            .map(|d| GpuNvidiaInfo {
                name: d.name().unwrap_or_default(),
                memory_total: d.memory_info().map_or(0, |m| m.total),
                cuda_cores: d.num_cores().unwrap_or(0),
                architecture: d
                    .architecture()
                    .map(|a| format!("{a:?}"))
                    .unwrap_or_default(),
                uuid: d.uuid().unwrap_or_default(),
            })
            .collect();
        let cuda = self
            .nvml
            .sys_cuda_driver_version()
            .map(|v| {
                format!(
                    "{}.{}",
                    nvml_wrapper::cuda_driver_version_major(v),
                    nvml_wrapper::cuda_driver_version_minor(v)
                )
            })
            .unwrap_or_default();
        (gpus, cuda)
    }
}

/// Without the `nvidia` feature there are never any GPUs.
#[cfg(not(feature = "nvidia"))]
#[derive(Debug)]
pub(crate) struct Gpus(());

#[cfg(not(feature = "nvidia"))]
impl Gpus {
    /// Always `None`: NVML is not compiled in.
    pub(crate) fn open() -> Option<Gpus> {
        None
    }

    /// No readings.
    pub(crate) fn read(&self, _pid: u32) -> Vec<(u32, GpuReading)> {
        Vec::new()
    }

    /// No GPUs.
    pub(crate) fn info(&self) -> (Vec<GpuNvidiaInfo>, String) {
        (Vec::new(), String::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(v: &[(String, Value)]) -> Vec<&str> {
        v.iter().map(|(k, _)| k.as_str()).collect()
    }

    #[test]
    fn gpu_keys_are_named_and_scaled_as_wandb_names_them() {
        let r = GpuReading {
            utilization: Some((87, 40)),
            memory: Some((8_000, 2_000)),
            temperature: Some(65),
            power_mw: Some(150_000),
            power_limit_mw: Some(300_000),
            in_use: false,
        };
        let out = gpu_keys(1, &r);
        assert_eq!(
            keys(&out),
            [
                "gpu.1.gpu",
                "gpu.1.memory",
                "gpu.1.memoryAllocated",
                "gpu.1.memoryAllocatedBytes",
                "gpu.1.temp",
                "gpu.1.powerWatts",
                "gpu.1.enforcedPowerLimitWatts",
                "gpu.1.powerPercent",
            ]
        );
        let values: Vec<&Value> = out.iter().map(|(_, v)| v).collect();
        assert_eq!(
            values,
            [
                &Value::Float(87.0),
                &Value::Int(40),
                &Value::Float(25.0),
                &Value::Int(2_000),
                &Value::Float(65.0),
                &Value::Float(150.0),
                &Value::Float(300.0),
                &Value::Float(50.0),
            ]
        );
    }

    #[test]
    fn a_gpu_this_process_uses_repeats_its_keys_under_process() {
        let r = GpuReading {
            temperature: Some(50),
            in_use: true,
            ..GpuReading::default()
        };
        assert_eq!(keys(&gpu_keys(0, &r)), ["gpu.0.temp", "gpu.process.0.temp"]);
        // Values NVML does not give are left out.
        assert!(gpu_keys(0, &GpuReading::default()).is_empty());
    }

    #[test]
    fn without_a_driver_there_are_no_gpus() {
        // This machine has no NVIDIA driver (CI neither): NVML fails to load, quietly.
        if std::path::Path::new("/proc/driver/nvidia").exists() {
            return;
        }
        assert!(Gpus::open().is_none());
    }
}
