// The demo company's product catalogue: a distributor of office, network and industrial equipment
// with the consumables and service contracts that bring customers back. Prices are decimal
// strings (they go into numeric columns as they are); cost is what the company pays, 45–80 % of
// the list price depending on the category, so margins differ by what a customer buys.
export interface CatalogueProduct {
  sku: string;
  name: string;
  category: string;
  unit: string;
  listPrice: string;
  cost: string;
  /** How often a line picks this product, relative to the others. */
  weight: number;
  /** The usual quantity on one order line: consumables come by the box, machines one or two at a time. */
  typicalQuantity: number;
}

export const catalogue: readonly CatalogueProduct[] = [
  // 办公设备: big tickets, bought once and replaced after years
  { sku: 'OFF-PRN-A4', name: '激光打印机 A4 黑白', category: '办公设备', unit: '台', listPrice: '2680.00', cost: '1890.00', weight: 6, typicalQuantity: 2 },
  { sku: 'OFF-PRN-A3C', name: '彩色激光多功能一体机 A3', category: '办公设备', unit: '台', listPrice: '18800.00', cost: '13900.00', weight: 3, typicalQuantity: 1 },
  { sku: 'OFF-CPY-50', name: '数码复合机 50 页/分', category: '办公设备', unit: '台', listPrice: '36500.00', cost: '27400.00', weight: 1, typicalQuantity: 1 },
  { sku: 'OFF-SCN-DUP', name: '高速双面扫描仪', category: '办公设备', unit: '台', listPrice: '5980.00', cost: '4250.00', weight: 2, typicalQuantity: 1 },
  { sku: 'OFF-PRJ-4K', name: '会议室 4K 投影仪', category: '办公设备', unit: '台', listPrice: '12600.00', cost: '9100.00', weight: 2, typicalQuantity: 1 },
  { sku: 'OFF-DSP-86', name: '86 英寸会议平板', category: '办公设备', unit: '台', listPrice: '23900.00', cost: '17200.00', weight: 2, typicalQuantity: 1 },
  { sku: 'OFF-SHR-P4', name: '保密碎纸机 P-4', category: '办公设备', unit: '台', listPrice: '1680.00', cost: '1050.00', weight: 2, typicalQuantity: 2 },
  { sku: 'OFF-VC-KIT', name: '视频会议终端套装', category: '办公设备', unit: '套', listPrice: '15800.00', cost: '11300.00', weight: 2, typicalQuantity: 1 },
  // 网络设备
  { sku: 'NET-SW-24', name: '24 口千兆交换机', category: '网络设备', unit: '台', listPrice: '3280.00', cost: '2300.00', weight: 4, typicalQuantity: 2 },
  { sku: 'NET-SW-48P', name: '48 口 PoE 核心交换机', category: '网络设备', unit: '台', listPrice: '12800.00', cost: '9400.00', weight: 2, typicalQuantity: 1 },
  { sku: 'NET-AP-W6', name: 'Wi-Fi 6 吸顶无线 AP', category: '网络设备', unit: '台', listPrice: '1290.00', cost: '820.00', weight: 5, typicalQuantity: 6 },
  { sku: 'NET-FW-1G', name: '下一代防火墙 1G', category: '网络设备', unit: '台', listPrice: '16800.00', cost: '11800.00', weight: 2, typicalQuantity: 1 },
  { sku: 'NET-RT-ENT', name: '企业级多 WAN 路由器', category: '网络设备', unit: '台', listPrice: '4680.00', cost: '3300.00', weight: 3, typicalQuantity: 1 },
  { sku: 'NET-NAS-4', name: '4 盘位 NAS 存储', category: '网络设备', unit: '台', listPrice: '6980.00', cost: '4900.00', weight: 3, typicalQuantity: 1 },
  { sku: 'NET-UPS-3K', name: '在线式 UPS 3kVA', category: '网络设备', unit: '台', listPrice: '5400.00', cost: '3850.00', weight: 2, typicalQuantity: 1 },
  { sku: 'NET-CAB-6', name: '六类网线 305 米', category: '网络设备', unit: '箱', listPrice: '680.00', cost: '390.00', weight: 4, typicalQuantity: 5 },
  // 工业设备
  { sku: 'IND-SEN-T', name: '工业温湿度传感器', category: '工业设备', unit: '个', listPrice: '460.00', cost: '250.00', weight: 4, typicalQuantity: 20 },
  { sku: 'IND-SEN-P', name: '压力变送器 0–1.6MPa', category: '工业设备', unit: '个', listPrice: '1250.00', cost: '760.00', weight: 3, typicalQuantity: 10 },
  { sku: 'IND-PLC-S', name: '小型 PLC 控制器', category: '工业设备', unit: '台', listPrice: '3860.00', cost: '2650.00', weight: 3, typicalQuantity: 4 },
  { sku: 'IND-HMI-10', name: '10 英寸触摸屏 HMI', category: '工业设备', unit: '台', listPrice: '2980.00', cost: '2050.00', weight: 2, typicalQuantity: 3 },
  { sku: 'IND-GW-4G', name: '4G 工业物联网网关', category: '工业设备', unit: '台', listPrice: '1980.00', cost: '1200.00', weight: 3, typicalQuantity: 5 },
  { sku: 'IND-VFD-7', name: '变频器 7.5kW', category: '工业设备', unit: '台', listPrice: '4350.00', cost: '3100.00', weight: 2, typicalQuantity: 2 },
  { sku: 'IND-CAM-AI', name: 'AI 视觉检测相机', category: '工业设备', unit: '台', listPrice: '26800.00', cost: '18500.00', weight: 1, typicalQuantity: 1 },
  { sku: 'IND-SCAN-2D', name: '工业二维码读码器', category: '工业设备', unit: '台', listPrice: '3580.00', cost: '2300.00', weight: 2, typicalQuantity: 3 },
  // 耗材: small, frequent — what regulars reorder every month or two
  { sku: 'SUP-TNR-BK', name: '原装黑色硒鼓', category: '耗材', unit: '个', listPrice: '568.00', cost: '340.00', weight: 12, typicalQuantity: 6 },
  { sku: 'SUP-TNR-CL', name: '彩色硒鼓四色套装', category: '耗材', unit: '套', listPrice: '2360.00', cost: '1480.00', weight: 6, typicalQuantity: 2 },
  { sku: 'SUP-PPR-A4', name: 'A4 复印纸 70g（5 包/箱）', category: '耗材', unit: '箱', listPrice: '128.00', cost: '96.00', weight: 14, typicalQuantity: 20 },
  { sku: 'SUP-PPR-A3', name: 'A3 复印纸 80g（5 包/箱）', category: '耗材', unit: '箱', listPrice: '238.00', cost: '176.00', weight: 5, typicalQuantity: 8 },
  { sku: 'SUP-DRM', name: '成像鼓组件', category: '耗材', unit: '个', listPrice: '890.00', cost: '560.00', weight: 5, typicalQuantity: 2 },
  { sku: 'SUP-LBL', name: '热敏标签纸 100×150', category: '耗材', unit: '卷', listPrice: '36.00', cost: '19.00', weight: 8, typicalQuantity: 50 },
  { sku: 'SUP-RIB', name: '碳带 110mm×300m', category: '耗材', unit: '卷', listPrice: '58.00', cost: '31.00', weight: 5, typicalQuantity: 30 },
  { sku: 'SUP-FLT', name: '设备空气过滤网', category: '耗材', unit: '片', listPrice: '85.00', cost: '42.00', weight: 4, typicalQuantity: 20 },
  // 软件与服务: recurring contracts, high margin
  { sku: 'SVC-MNT-Y', name: '设备年度维保服务', category: '软件与服务', unit: '年', listPrice: '6800.00', cost: '3100.00', weight: 5, typicalQuantity: 1 },
  { sku: 'SVC-MNT-PRM', name: '7×24 金牌维保服务', category: '软件与服务', unit: '年', listPrice: '15800.00', cost: '7200.00', weight: 2, typicalQuantity: 1 },
  { sku: 'SVC-INST', name: '上门安装调试', category: '软件与服务', unit: '次', listPrice: '800.00', cost: '380.00', weight: 6, typicalQuantity: 1 },
  { sku: 'SVC-TRN', name: '操作培训（半天）', category: '软件与服务', unit: '次', listPrice: '1500.00', cost: '600.00', weight: 2, typicalQuantity: 1 },
  { sku: 'SW-PRT-MGR', name: '打印管理软件（50 用户/年）', category: '软件与服务', unit: '套', listPrice: '9800.00', cost: '4600.00', weight: 2, typicalQuantity: 1 },
  { sku: 'SW-NMS', name: '网络监控平台授权（年）', category: '软件与服务', unit: '套', listPrice: '12000.00', cost: '5400.00', weight: 2, typicalQuantity: 1 },
  { sku: 'SW-MES-LT', name: '轻量 MES 模块授权', category: '软件与服务', unit: '套', listPrice: '48000.00', cost: '21000.00', weight: 1, typicalQuantity: 1 },
  { sku: 'SW-IOT-CLD', name: '物联网云平台接入（100 点/年）', category: '软件与服务', unit: '年', listPrice: '7200.00', cost: '2900.00', weight: 2, typicalQuantity: 1 },
];
